// Package store defines what the ingest and query stages need from storage.
// Ingest sees only the append side (EventAppender, SegmentAppender); query and
// web see only the read side (Reader). The embedded implementation lives in
// store/sqlite (index and events) and store/blobfile (replay segment bytes); a
// scale-out backend implements the same interfaces.
package store

import (
	"context"
	"errors"
	"io"

	"github.com/reprise-rum/reprise/internal/rum"
)

// ErrNotFound is returned by readers when the asked-for item does not exist.
var ErrNotFound = errors.New("not found")

// ErrOverloaded is returned by appenders that fail fast when their write queue
// is full; ingest answers 429 with Retry-After.
var ErrOverloaded = errors.New("store overloaded")

// ErrClosed is returned by appenders after Close has begun; ingest answers 503.
var ErrClosed = errors.New("store closed")

// ErrBadFilter is returned by readers for a filter they cannot run (unknown
// sort column, malformed cursor, unknown event type); the API answers 400.
var ErrBadFilter = errors.New("bad filter")

// EventAppender stores RUM events. AppendEvents returns only once the events
// are durable (written and synced); views keep only their highest
// DocumentVersion; session aggregates are updated in the same transaction.
type EventAppender interface {
	AppendEvents(ctx context.Context, events []rum.Event) error
}

// SegmentMeta is the index row of one replay segment.
type SegmentMeta struct {
	ID              string  `json:"id"` // assigned by the store
	AppID           string  `json:"application_id"`
	SessionID       string  `json:"session_id"`
	ViewID          string  `json:"view_id"`
	Start           int64   `json:"start"` // ms since epoch, first record
	End             int64   `json:"end"`   // ms since epoch, last record
	RecordsCount    int     `json:"records_count"`
	HasFullSnapshot bool    `json:"has_full_snapshot"`
	IndexInView     int     `json:"index_in_view"`
	Source          string  `json:"source,omitempty"`
	CreationReason  string  `json:"creation_reason,omitempty"`
	RawSize         int64   `json:"raw_segment_size"` // decompressed size
	Format          string  `json:"format"`           // "rrweb" (ours) or "datadog"
	Encoding        string  `json:"encoding"`         // "deflate" (zlib), "gzip" or "" (plain)
	PrivacyLevel    string  `json:"privacy_level,omitempty"`
	RecorderVersion string  `json:"recorder_version,omitempty"`
	Blob            BlobRef `json:"-"`
}

// BlobRef addresses segment bytes inside an append-only blob file.
type BlobRef struct {
	File   string
	Offset int64
	Length int64
}

// BlobStore keeps segment bytes exactly as the client compressed them.
type BlobStore interface {
	// Append writes data; the ref is valid once Sync has returned.
	Append(ctx context.Context, data []byte) (BlobRef, error)
	// Sync makes every Append so far durable.
	Sync(ctx context.Context) error
	// Open returns the bytes at ref; ErrNotFound if the file is gone.
	Open(ctx context.Context, ref BlobRef) (io.ReadCloser, error)
	Close() error
}

// SegmentAppender stores one replay segment durably (blob synced, index row
// committed) before returning.
type SegmentAppender interface {
	AppendSegment(ctx context.Context, meta SegmentMeta, data []byte) error
}

// Session is the aggregate the explorer shows, built from a session's events
// and segments. Times are ms since epoch, Duration in ms.
type Session struct {
	ID            string `json:"id"`
	ApplicationID string `json:"application_id"`
	Start         int64  `json:"start"`
	End           int64  `json:"end"`
	Duration      int64  `json:"duration"`
	ViewCount     int64  `json:"view_count"`
	ErrorCount    int64  `json:"error_count"`
	ActionCount   int64  `json:"action_count"`
	HasReplay     bool   `json:"has_replay"`
	User          User   `json:"user"`
	UserAgent     string `json:"user_agent,omitempty"`
	Browser       string `json:"browser"`
	OS            string `json:"os"`
	Device        string `json:"device"`
	Service       string `json:"service,omitempty"`
	Env           string `json:"env,omitempty"`
	Version       string `json:"version,omitempty"`
	FirstURL      string `json:"first_url,omitempty"`
	LastURL       string `json:"last_url,omitempty"`
}

// User identifies the person behind a session, as set by the SDK's setUser.
type User struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// Filter narrows an explorer list. Zero values mean "no filter".
type Filter struct {
	From, To     int64 // ms since epoch, inclusive From, exclusive To
	App          string
	Env          string
	Service      string
	Version      string
	User         string // matches id, name or email
	SessionID    string
	ViewID       string
	URL          string // substring of the view URL (or path)
	Browser      string
	OS           string
	Device       string
	Query        string // free text over the main text field
	HasReplay    *bool
	HasError     *bool
	StatusCode   int    // resources
	ResourceType string // resources
	ActionType   string // actions
	ErrorSource  string // errors
	Sort         string // column name; "-" prefix for descending. Default "-date"
	Limit        int    // default 50, max 1000
	Cursor       string // opaque, from a previous page's NextCursor
}

// SessionPage is one page of the sessions explorer.
type SessionPage struct {
	Sessions   []Session `json:"sessions"`
	NextCursor string    `json:"next_cursor"`
	Total      int64     `json:"total"`
	// TotalCapped means at least Total match (the count stopped there to
	// stay fast at millions of rows): show "10,000+". The histogram counts
	// every match in its range if an exact figure is wanted.
	TotalCapped bool `json:"total_capped,omitempty"`
}

// EventPage is one page of an events explorer (views, errors, …).
type EventPage struct {
	Events      []rum.Event `json:"events"`
	NextCursor  string      `json:"next_cursor"`
	Total       int64       `json:"total"`
	TotalCapped bool        `json:"total_capped,omitempty"` // as in SessionPage
}

// Reader is the read side used by the query API and the web pages.
type Reader interface {
	ListSessions(ctx context.Context, f Filter) (SessionPage, error)
	// GetSession returns ErrNotFound when no event or segment has the id.
	GetSession(ctx context.Context, id string) (Session, error)
	// SessionEvents returns a session's events in time order, optionally of
	// the given types only (views in their latest version).
	SessionEvents(ctx context.Context, sessionID string, types ...string) ([]rum.Event, error)
	// ListEvents lists events of one type across sessions.
	ListEvents(ctx context.Context, typ string, f Filter) (EventPage, error)
	// GetEvent returns one event by type and id, or ErrNotFound.
	GetEvent(ctx context.Context, typ, id string) (rum.Event, error)
	// Segments lists a session's segments ordered by Start, then view and
	// IndexInView, optionally only those overlapping [from, to] (0 = open).
	Segments(ctx context.Context, sessionID string, from, to int64) ([]SegmentMeta, error)
	// OpenSegment returns the segment bytes as stored (compressed).
	OpenSegment(ctx context.Context, meta SegmentMeta) (io.ReadCloser, error)
	// Histogram counts the items of typ ("session" or an event type) that
	// match f, in buckets equal slices of [f.From, f.To) (the data's own time
	// span when those are 0). Sort, Limit and Cursor are ignored.
	Histogram(ctx context.Context, typ string, f Filter, buckets int) ([]Bucket, error)
}

// Bucket is one bar of an explorer's time histogram: Count items dated in
// [Start, Start+width), Start in ms since epoch.
type Bucket struct {
	Start int64 `json:"start"`
	Count int64 `json:"count"`
}

// Deleter removes stored data: one session on request, or everything older
// than a retention cutoff.
type Deleter interface {
	// Delete removes a session's rows and marks its segments deleted (their
	// bytes go when their blob file is dropped). ErrNotFound if unknown.
	Delete(ctx context.Context, sessionID string) error
	// DeleteBefore removes sessions that ended before cutoff (ms since epoch)
	// with their events and segments, and drops blob files that hold only
	// deleted segments. It returns the number of sessions removed.
	DeleteBefore(ctx context.Context, cutoff int64) (int64, error)
}
