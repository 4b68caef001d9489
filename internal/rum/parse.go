package rum

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrTelemetry marks an SDK self-telemetry event (Datadog's SDK sends them to
// the RUM endpoint). It does not wrap ErrInvalid: callers drop these silently
// and count them instead of reporting an error to the client.
var ErrTelemetry = errors.New("rum telemetry event")

// typeViewUpdate is the partial view diff that Datadog's SDK sends when
// betaEnableViewUpdates is on. It is stored as a view with what it carries.
const typeViewUpdate = "view_update"

// ParseEvent decodes one RUM event (one NDJSON line) in the Datadog/Guance
// schema. userAgent is the request's User-Agent, used when the event carries
// none. Unknown fields are kept in Raw; missing ids are derived from the
// line's bytes, so a retried batch produces the same ids. Errors wrap
// ErrInvalid, except ErrTelemetry.
func ParseEvent(line []byte, userAgent string) (Event, error) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return Event{}, invalidf("empty line")
	}
	if line[0] != '{' {
		return Event{}, invalidf("not a JSON object")
	}
	var w wireEvent
	if err := json.Unmarshal(line, &w); err != nil {
		return Event{}, invalidf("decode: %s", jsonErrorText(err))
	}
	typ := string(w.Type)
	switch typ {
	case "telemetry":
		return Event{}, ErrTelemetry
	case typeViewUpdate:
		typ = TypeView
	case TypeView, TypeAction, TypeError, TypeResource, TypeLongTask, TypeVital:
	case "":
		return Event{}, invalidf("missing type")
	default:
		return Event{}, invalidf("unknown type %q", truncate(typ, 40))
	}
	if !w.Date.set {
		return Event{}, invalidf("missing date")
	}
	date := w.Date.int64()
	if date <= 0 {
		return Event{}, invalidf("date %v is not a time in ms since the epoch", w.Date.v)
	}

	ev := Event{
		Type:            typ,
		Date:            date,
		AppID:           string(w.Application.ID),
		SessionID:       string(w.Session.ID),
		ViewID:          string(w.View.ID),
		ViewURL:         string(w.View.URL),
		ViewName:        string(w.View.Name),
		Referrer:        string(w.View.Referrer),
		Service:         string(w.Service),
		Env:             string(w.Env),
		Version:         string(w.Version),
		Source:          string(w.Source),
		UserID:          string(w.Usr.ID),
		UserName:        string(w.Usr.Name),
		UserEmail:       string(w.Usr.Email),
		UserAgent:       userAgent,
		HasReplay:       bool(w.Session.HasReplay),
		DocumentVersion: w.DD.DocumentVersion.int64(),
		Raw:             json.RawMessage(bytes.Clone(line)),
	}
	applyTags(&ev, string(w.DDTags))
	if ua := string(w.UserAgent); ua != "" {
		ev.UserAgent = ua
	}

	switch typ {
	case TypeView:
		ev.ID = ev.ViewID
		v := w.View
		ev.View = &ViewFields{
			LoadingTime:            v.LoadingTime.int64(),
			FirstContentfulPaint:   v.FirstContentfulPaint.int64(),
			LargestContentfulPaint: v.LargestContentfulPaint.int64(),
			CumulativeLayoutShift:  v.CumulativeLayoutShift.v,
			InteractionToNextPaint: v.InteractionToNextPaint.int64(),
			TimeToFirstByte:        v.FirstByte.int64(),
			TimeSpent:              v.TimeSpent.int64(),
			ActionCount:            v.Action.Count.int64(),
			ErrorCount:             v.Error.Count.int64(),
			ResourceCount:          v.Resource.Count.int64(),
			LongTaskCount:          v.LongTask.Count.int64(),
		}
	case TypeAction:
		ev.ID = string(w.Action.ID)
		ev.Action = &ActionFields{Type: string(w.Action.Type), TargetName: string(w.Action.Target.Name)}
	case TypeError:
		ev.ID = string(w.Error.ID)
		ev.Error = &ErrorFields{
			Message: string(w.Error.Message),
			Stack:   string(w.Error.Stack),
			Source:  string(w.Error.Source),
			Kind:    string(w.Error.Type),
		}
	case TypeResource:
		ev.ID = string(w.Resource.ID)
		size := w.Resource.Size
		if !size.set {
			size = w.Resource.EncodedBodySize
		}
		ev.Resource = &ResourceFields{
			URL:        string(w.Resource.URL),
			Type:       string(w.Resource.Type),
			Method:     string(w.Resource.Method),
			StatusCode: int(w.Resource.StatusCode.int64()),
			Duration:   w.Resource.Duration.int64(),
			Size:       size.int64(),
		}
	case TypeLongTask:
		ev.ID = string(w.LongTask.ID)
		ev.LongTask = &LongTaskFields{Duration: w.LongTask.Duration.int64()}
	case TypeVital:
		ev.ID = string(w.Vital.ID)
	}

	// Ids the SDK left out are derived from the event's bytes: stable across
	// retries of the same batch, distinct for distinct events.
	if ev.SessionID == "" {
		ev.SessionID = derivedID("session", line)
	}
	if ev.ViewID == "" {
		ev.ViewID = derivedID("view", line)
		if typ == TypeView {
			ev.ID = ev.ViewID
		}
	}
	if ev.ID == "" {
		ev.ID = derivedID(typ, line)
	}
	return ev, nil
}

// applyTags fills service, env and version from Datadog's "ddtags" string
// ("sdk_version:7.16.2,env:dev,service:demo,version:1.0.0") where the event
// has no top-level field.
func applyTags(ev *Event, tags string) {
	for tag := range strings.SplitSeq(tags, ",") {
		k, v, ok := strings.Cut(tag, ":")
		if !ok {
			continue
		}
		switch k {
		case "env":
			if ev.Env == "" {
				ev.Env = v
			}
		case "service":
			if ev.Service == "" {
				ev.Service = v
			}
		case "version":
			if ev.Version == "" {
				ev.Version = v
			}
		}
	}
}

// derivedID builds a UUID-shaped id from a hash of the event.
func derivedID(kind string, line []byte) string {
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(line)
	s := hex.EncodeToString(h.Sum(nil)[:16])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// jsonErrorText shortens encoding/json's messages, which name Go types, to
// what a client can act on.
func jsonErrorText(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q: unexpected JSON %s", te.Field, te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %s", se.Offset, se.Error())
	}
	return err.Error()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// wireEvent is the subset of the RUM schema that Reprise indexes. Scalars use
// lenient types: SDKs and user code put numbers where strings are expected
// (usr.id: 42) and null where numbers are (resource.duration: null).
type wireEvent struct {
	Type        flexString `json:"type"`
	Date        flexNumber `json:"date"`
	Service     flexString `json:"service"`
	Env         flexString `json:"env"`
	Version     flexString `json:"version"`
	Source      flexString `json:"source"`
	DDTags      flexString `json:"ddtags"`
	UserAgent   flexString `json:"user_agent"`
	Application struct {
		ID flexString `json:"id"`
	} `json:"application"`
	Session struct {
		ID        flexString `json:"id"`
		HasReplay flexBool   `json:"has_replay"`
	} `json:"session"`
	View struct {
		ID                     flexString `json:"id"`
		URL                    flexString `json:"url"`
		Referrer               flexString `json:"referrer"`
		Name                   flexString `json:"name"`
		LoadingTime            flexNumber `json:"loading_time"`
		FirstByte              flexNumber `json:"first_byte"`
		FirstContentfulPaint   flexNumber `json:"first_contentful_paint"`
		LargestContentfulPaint flexNumber `json:"largest_contentful_paint"`
		CumulativeLayoutShift  flexNumber `json:"cumulative_layout_shift"`
		InteractionToNextPaint flexNumber `json:"interaction_to_next_paint"`
		TimeSpent              flexNumber `json:"time_spent"`
		Action                 counter    `json:"action"`
		Error                  counter    `json:"error"`
		Resource               counter    `json:"resource"`
		LongTask               counter    `json:"long_task"`
	} `json:"view"`
	Usr struct {
		ID    flexString `json:"id"`
		Name  flexString `json:"name"`
		Email flexString `json:"email"`
	} `json:"usr"`
	Action struct {
		ID     flexString `json:"id"`
		Type   flexString `json:"type"`
		Target struct {
			Name flexString `json:"name"`
		} `json:"target"`
	} `json:"action"`
	Error struct {
		ID      flexString `json:"id"`
		Message flexString `json:"message"`
		Stack   flexString `json:"stack"`
		Source  flexString `json:"source"`
		Type    flexString `json:"type"`
	} `json:"error"`
	Resource struct {
		ID              flexString `json:"id"`
		URL             flexString `json:"url"`
		Type            flexString `json:"type"`
		Method          flexString `json:"method"`
		StatusCode      flexNumber `json:"status_code"`
		Duration        flexNumber `json:"duration"`
		Size            flexNumber `json:"size"`
		EncodedBodySize flexNumber `json:"encoded_body_size"`
	} `json:"resource"`
	LongTask struct {
		ID       flexString `json:"id"`
		Duration flexNumber `json:"duration"`
	} `json:"long_task"`
	Vital struct {
		ID flexString `json:"id"`
	} `json:"vital"`
	DD struct {
		DocumentVersion flexNumber `json:"document_version"`
	} `json:"_dd"`
}

// counter is the schema's {"count": N} object.
type counter struct {
	Count flexNumber `json:"count"`
}

// flexString accepts a string, a number or a boolean (kept as its JSON text)
// and null or an object/array (empty: not a scalar we can index).
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9') || b[0] == 't' || b[0] == 'f'):
		*s = flexString(b)
	default:
		*s = ""
	}
	return nil
}

// flexNumber accepts a number, a numeric string, or null; anything else
// leaves it unset rather than failing the whole event.
type flexNumber struct {
	v   float64
	set bool
}

func (n *flexNumber) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) > 0 && s[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		*n = flexNumber{}
		return nil
	}
	*n = flexNumber{v: f, set: true}
	return nil
}

// int64 rounds to the nearest integer, saturating at the int64 range so that
// absurd values cannot wrap around.
func (n flexNumber) int64() int64 {
	switch {
	case !n.set:
		return 0
	case n.v >= math.MaxInt64:
		return math.MaxInt64
	case n.v <= math.MinInt64:
		return math.MinInt64
	}
	return int64(math.Round(n.v))
}

// flexBool accepts true/false, "true"/"false" and anything else as false.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	s := strings.Trim(string(data), `"`)
	*b = flexBool(s == "true" || s == "1")
	return nil
}
