// Package rum is the data model shared by every stage: the RUM event as the
// Datadog/Guance browser SDKs (and ours) send it, reduced to the fields that
// Reprise indexes, with the original JSON kept whole in Raw.
package rum

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Event types, as in the RUM schema's "type" field.
const (
	TypeView     = "view"
	TypeAction   = "action"
	TypeError    = "error"
	TypeResource = "resource"
	TypeLongTask = "long_task"
	TypeVital    = "vital"
)

// Types lists every event type the store keeps, in display order.
var Types = []string{TypeView, TypeAction, TypeError, TypeResource, TypeLongTask, TypeVital}

// ErrInvalid marks an event that cannot be stored; callers reject it alone.
var ErrInvalid = errors.New("invalid rum event")

// Event is one decoded RUM event. Durations are nanoseconds, as in the schema;
// Date is milliseconds since the epoch.
type Event struct {
	Type      string `json:"type"`
	ID        string `json:"id"` // view.id, action.id, error.id, resource.id; generated when absent
	Date      int64  `json:"date"`
	AppID     string `json:"application_id"`
	SessionID string `json:"session_id"`
	ViewID    string `json:"view_id"`
	ViewURL   string `json:"view_url"`
	ViewName  string `json:"view_name,omitempty"`
	Referrer  string `json:"view_referrer,omitempty"`

	Service string `json:"service,omitempty"`
	Env     string `json:"env,omitempty"`
	Version string `json:"version,omitempty"`
	Source  string `json:"source,omitempty"` // browser, …

	UserID    string `json:"user_id,omitempty"`
	UserName  string `json:"user_name,omitempty"`
	UserEmail string `json:"user_email,omitempty"`
	UserAgent string `json:"user_agent,omitempty"` // from the event if present, else the request's User-Agent

	HasReplay       bool  `json:"has_replay,omitempty"`
	DocumentVersion int64 `json:"document_version,omitempty"` // _dd.document_version; highest wins for views

	View     *ViewFields     `json:"view,omitempty"`
	Action   *ActionFields   `json:"action,omitempty"`
	Error    *ErrorFields    `json:"error,omitempty"`
	Resource *ResourceFields `json:"resource,omitempty"`
	LongTask *LongTaskFields `json:"long_task,omitempty"`

	Raw json.RawMessage `json:"raw"` // the event exactly as received (after redaction)
}

// ViewFields are the metrics of a view event (latest document version).
type ViewFields struct {
	LoadingTime            int64   `json:"loading_time,omitempty"`
	FirstContentfulPaint   int64   `json:"first_contentful_paint,omitempty"`
	LargestContentfulPaint int64   `json:"largest_contentful_paint,omitempty"`
	CumulativeLayoutShift  float64 `json:"cumulative_layout_shift,omitempty"`
	InteractionToNextPaint int64   `json:"interaction_to_next_paint,omitempty"`
	TimeToFirstByte        int64   `json:"time_to_first_byte,omitempty"`
	TimeSpent              int64   `json:"time_spent,omitempty"`
	ActionCount            int64   `json:"action_count"`
	ErrorCount             int64   `json:"error_count"`
	ResourceCount          int64   `json:"resource_count"`
	LongTaskCount          int64   `json:"long_task_count"`
}

// ActionFields describe a user action.
type ActionFields struct {
	Type       string `json:"type,omitempty"` // click, custom, …
	TargetName string `json:"target_name,omitempty"`
}

// ErrorFields describe an error.
type ErrorFields struct {
	Message string `json:"message"`
	Stack   string `json:"stack,omitempty"`
	Source  string `json:"source,omitempty"` // source, console, network, custom, …
	Kind    string `json:"kind,omitempty"`   // error.type: TypeError, …
}

// ResourceFields describe a fetched resource.
type ResourceFields struct {
	URL        string `json:"url"`
	Type       string `json:"type,omitempty"` // document, xhr, fetch, css, js, image, font, …
	Method     string `json:"method,omitempty"`
	StatusCode int    `json:"status_code,omitempty"`
	Duration   int64  `json:"duration,omitempty"`
	Size       int64  `json:"size,omitempty"`
}

// LongTaskFields describe a long task.
type LongTaskFields struct {
	Duration int64 `json:"duration"`
}

// invalidf wraps ErrInvalid with a message the client will see.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
