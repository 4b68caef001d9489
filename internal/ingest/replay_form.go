package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/reprise-rum/reprise/internal/store"
)

// Bounds on the small parts of a replay upload; the segment part is bounded
// by max_body_bytes through the request body.
const (
	maxEventPartBytes = 64 << 10
	maxFlatFieldBytes = 4 << 10
	maxFormParts      = 64
)

// replayUpload is one decoded multipart replay request.
type replayUpload struct {
	segment    []byte // as sent (compressed)
	hasSegment bool
	hasImage   bool // a Datadog canvas resource upload
	meta       segmentEvent
}

// segmentEvent is the metadata of a segment: Datadog's "event" JSON part, or
// Guance's flat form fields mapped onto the same struct.
type segmentEvent struct {
	Type        string `json:"type"` // "resource" for Datadog canvas uploads
	Application struct {
		ID string `json:"id"`
	} `json:"application"`
	Session struct {
		ID string `json:"id"`
	} `json:"session"`
	View struct {
		ID string `json:"id"`
	} `json:"view"`
	Start           float64 `json:"start"`
	End             float64 `json:"end"`
	RecordsCount    int     `json:"records_count"`
	HasFullSnapshot bool    `json:"has_full_snapshot"`
	IndexInView     int     `json:"index_in_view"`
	Source          string  `json:"source"`
	CreationReason  string  `json:"creation_reason"`
	RawSegmentSize  int64   `json:"raw_segment_size"`
	Format          string  `json:"format"`
	PrivacyLevel    string  `json:"privacy_level"`
	RecorderVersion string  `json:"recorder_version"`
}

// decodeReplayForm reads the parts of a replay upload. Parts are streamed,
// never spilled to temporary files: the body is already bounded.
func decodeReplayForm(mr *multipart.Reader) (replayUpload, error) {
	var (
		up        replayUpload
		eventPart []byte
		flat      = map[string]string{}
	)
	for n := 0; ; n++ {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up, fmt.Errorf("multipart: %w", err)
		}
		if n == maxFormParts {
			return up, fmt.Errorf("multipart: more than %d parts", maxFormParts)
		}
		name := p.FormName()
		switch name {
		case "segment":
			if up.segment, err = io.ReadAll(p); err != nil {
				return up, fmt.Errorf("read segment part: %w", err)
			}
			up.hasSegment = true
		case "event":
			if eventPart, err = readPart(p, maxEventPartBytes); err != nil {
				return up, fmt.Errorf("read event part: %w", err)
			}
		case "image":
			if _, err = io.Copy(io.Discard, p); err != nil {
				return up, fmt.Errorf("read image part: %w", err)
			}
			up.hasImage = true
		default:
			v, err := readPart(p, maxFlatFieldBytes)
			if err != nil {
				return up, fmt.Errorf("read field %q: %w", name, err)
			}
			flat[name] = string(v)
		}
	}
	if eventPart != nil {
		if err := json.Unmarshal(eventPart, &up.meta); err != nil {
			return up, fmt.Errorf("event part is not the expected JSON: %v", err)
		}
		return up, nil
	}
	meta, err := flatSegmentEvent(flat)
	up.meta = meta
	return up, err
}

func readPart(p *multipart.Part, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(p, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("longer than %d bytes", max)
	}
	return b, nil
}

// flatSegmentEvent maps Guance's plain form fields onto segmentEvent.
func flatSegmentEvent(f map[string]string) (segmentEvent, error) {
	var m segmentEvent
	m.Application.ID = f["app_id"]
	m.Session.ID = f["session_id"]
	m.View.ID = f["view_id"]
	m.Source = f["source"]
	m.CreationReason = f["creation_reason"]
	m.Format = f["format"]
	m.PrivacyLevel = f["privacy_level"]
	m.RecorderVersion = f["recorder_version"]
	var errs []error
	num := func(key string, dst *float64) {
		if v, ok := f[key]; ok && v != "" {
			x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("field %s=%q is not a number", key, v))
			}
			*dst = x
		}
	}
	var records, index, rawSize float64
	num("start", &m.Start)
	num("end", &m.End)
	num("records_count", &records)
	num("index_in_view", &index)
	num("raw_segment_size", &rawSize)
	m.RecordsCount, m.IndexInView, m.RawSegmentSize = int(records), int(index), int64(rawSize)
	if v, ok := f["has_full_snapshot"]; ok && v != "" {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			errs = append(errs, fmt.Errorf("field has_full_snapshot=%q is not true or false", v))
		}
		m.HasFullSnapshot = b
	}
	return m, errors.Join(errs...)
}

// toMeta turns client metadata into the index row, checking what the store
// relies on. Format absent means Datadog's record format (what Datadog's and
// Guance's SDKs send); Reprise's SDK says "rrweb".
func (m segmentEvent) toMeta() (store.SegmentMeta, error) {
	if m.Session.ID == "" {
		return store.SegmentMeta{}, errorf(http.StatusBadRequest, "segment metadata lacks session.id (or session_id)")
	}
	format := m.Format
	if format == "" {
		format = "datadog"
	}
	if format != "datadog" && format != "rrweb" {
		return store.SegmentMeta{}, errorf(http.StatusBadRequest, fmt.Sprintf("segment format %q: want rrweb or datadog", m.Format))
	}
	if m.IndexInView < 0 || m.Start < 0 || m.End < 0 {
		return store.SegmentMeta{}, errorf(http.StatusBadRequest, "segment metadata has negative start, end or index_in_view")
	}
	return store.SegmentMeta{
		AppID:           m.Application.ID,
		SessionID:       m.Session.ID,
		ViewID:          m.View.ID,
		Start:           int64(m.Start),
		End:             int64(m.End),
		RecordsCount:    m.RecordsCount,
		HasFullSnapshot: m.HasFullSnapshot,
		IndexInView:     m.IndexInView,
		Source:          m.Source,
		CreationReason:  m.CreationReason,
		RawSize:         m.RawSegmentSize,
		Format:          format,
		PrivacyLevel:    m.PrivacyLevel,
		RecorderVersion: m.RecorderVersion,
	}, nil
}
