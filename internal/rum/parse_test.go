package rum

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseEventDatadogBatch(t *testing.T) {
	body, err := os.ReadFile("testdata/datadog-7.16.2-batch.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	var got []Event
	for line := range bytes.SplitSeq(body, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		ev, err := ParseEvent(line, "Mozilla/5.0 test")
		if err != nil {
			t.Fatalf("ParseEvent(%.60s…): %v", line, err)
		}
		got = append(got, ev)
	}
	if len(got) != 5 {
		t.Fatalf("parsed %d events, want 5", len(got))
	}
	const session = "9e5948c7-fc82-4726-8349-c23b8f0c64df"
	for _, ev := range got {
		if ev.SessionID != session || ev.AppID != "11111111-2222-3333-4444-555555555555" {
			t.Errorf("%s: session %q app %q", ev.Type, ev.SessionID, ev.AppID)
		}
		if ev.Service != "demo" || ev.Version != "1.0.0" || ev.Env != "dev" {
			t.Errorf("%s: service %q version %q env %q (env comes from ddtags)", ev.Type, ev.Service, ev.Version, ev.Env)
		}
		if ev.UserAgent != "Mozilla/5.0 test" {
			t.Errorf("%s: user agent %q", ev.Type, ev.UserAgent)
		}
		if !bytes.Contains(ev.Raw, []byte(`"connectivity"`)) {
			t.Errorf("%s: Raw lost unknown fields: %.80s", ev.Type, ev.Raw)
		}
	}
	res, errEv, act, view1, view2 := got[0], got[1], got[2], got[3], got[4]
	if res.Type != TypeResource || res.ID != "7854daad-940b-4ff6-8829-18ba63714677" ||
		res.Resource.URL != "https://example.test/page?q=1" || res.Resource.Type != "document" || res.Resource.Duration != 0 {
		t.Errorf("resource = %+v %+v", res, res.Resource)
	}
	if errEv.Type != TypeError || errEv.Error.Message != "boom" || errEv.Error.Source != "custom" ||
		errEv.Error.Kind != "Error" || !strings.HasPrefix(errEv.Error.Stack, "Error: boom") || !errEv.HasReplay {
		t.Errorf("error = %+v %+v", errEv, errEv.Error)
	}
	if act.Type != TypeAction || act.Action.Type != "custom" || act.Action.TargetName != "custom-action" ||
		act.ID != "48414ae8-44d3-47be-a40b-f98453c2dca6" {
		t.Errorf("action = %+v %+v", act, act.Action)
	}
	if view1.Type != TypeView || view1.ID != view1.ViewID || view1.ID != "adc0001d-e8f6-49b4-9e9f-c5fdf4408fb1" ||
		view1.DocumentVersion != 2 || view1.View.TimeSpent != 2291959961 || view1.View.ErrorCount != 1 ||
		view1.View.ActionCount != 1 || view1.View.ResourceCount != 1 || view1.Date != 1796412516336 { // sent as 1796412516336.04
		t.Errorf("view 1 = %+v %+v", view1.ID, view1.View)
	}
	if view2.ViewURL != "https://example.test/other" || view2.Referrer != "https://example.test/page?q=1" || view2.DocumentVersion != 1 {
		t.Errorf("view 2 = %+v", view2)
	}
}

func TestParseEventFields(t *testing.T) {
	ev, err := ParseEvent([]byte(`{"type":"view","date":1700000000123.7,"application":{"id":"app"},
		"session":{"id":"s1","has_replay":true},"view":{"id":"v1","url":"https://x.test/a","name":"A",
		"loading_time":1500000000,"first_contentful_paint":2e8,"largest_contentful_paint":"300000000",
		"cumulative_layout_shift":0.25,"interaction_to_next_paint":40000000,"first_byte":1000000,
		"long_task":{"count":3}},"usr":{"id":42,"name":"Ada","email":"ada@x.test"},
		"_dd":{"document_version":9},"service":"shop","user_agent":"UA-from-event"}`), "UA-from-request")
	if err != nil {
		t.Fatal(err)
	}
	if ev.Date != 1700000000124 {
		t.Errorf("Date=%d, want the fractional ms rounded", ev.Date)
	}
	if ev.UserID != "42" || ev.UserName != "Ada" || ev.UserEmail != "ada@x.test" {
		t.Errorf("user = %q %q %q", ev.UserID, ev.UserName, ev.UserEmail)
	}
	v := ev.View
	if v.LoadingTime != 1500000000 || v.FirstContentfulPaint != 200000000 || v.LargestContentfulPaint != 300000000 ||
		v.CumulativeLayoutShift != 0.25 || v.InteractionToNextPaint != 40000000 || v.TimeToFirstByte != 1000000 ||
		v.LongTaskCount != 3 {
		t.Errorf("view fields = %+v", v)
	}
	if ev.DocumentVersion != 9 || !ev.HasReplay || ev.ViewName != "A" || ev.UserAgent != "UA-from-event" {
		t.Errorf("event = %+v", ev)
	}

	lt, err := ParseEvent([]byte(`{"type":"long_task","date":1,"session":{"id":"s"},"view":{"id":"v"},"long_task":{"id":"lt","duration":60000000}}`), "")
	if err != nil || lt.ID != "lt" || lt.LongTask.Duration != 60000000 {
		t.Errorf("long task = %+v, %v", lt, err)
	}
	res, err := ParseEvent([]byte(`{"type":"resource","date":1,"session":{"id":"s"},"view":{"id":"v"},"resource":{"url":"/api","method":"POST","status_code":503,"duration":2.5e6,"encoded_body_size":99}}`), "")
	if err != nil || res.Resource.StatusCode != 503 || res.Resource.Method != "POST" || res.Resource.Duration != 2500000 || res.Resource.Size != 99 {
		t.Errorf("resource = %+v, %v", res.Resource, err)
	}
}

func TestParseEventViewUpdateIsView(t *testing.T) {
	ev, err := ParseEvent([]byte(`{"type":"view_update","date":5,"application":{"id":"a"},"session":{"id":"s"},"view":{"id":"v","url":"/u","time_spent":7},"_dd":{"document_version":4}}`), "")
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != TypeView || ev.ID != "v" || ev.DocumentVersion != 4 || ev.View.TimeSpent != 7 {
		t.Fatalf("view_update parsed as %+v %+v", ev, ev.View)
	}
}

func TestParseEventTelemetry(t *testing.T) {
	_, err := ParseEvent([]byte(`{"type":"telemetry","date":1,"telemetry":{"type":"log","message":"x"}}`), "")
	if !errors.Is(err, ErrTelemetry) || errors.Is(err, ErrInvalid) {
		t.Fatalf("err=%v, want ErrTelemetry and not ErrInvalid", err)
	}
}

// Missing ids are derived from the event bytes: equal for a retried event,
// different for different events.
func TestParseEventDerivedIDs(t *testing.T) {
	line := []byte(`{"type":"error","date":10,"error":{"message":"m"}}`)
	a, err := ParseEvent(line, "")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ParseEvent(line, "")
	c, _ := ParseEvent([]byte(`{"type":"error","date":11,"error":{"message":"m"}}`), "")
	if a.ID == "" || a.SessionID == "" || a.ViewID == "" {
		t.Fatalf("ids not generated: %+v", a)
	}
	if a.ID != b.ID || a.SessionID != b.SessionID {
		t.Errorf("same event gave ids %q/%q and %q/%q", a.ID, a.SessionID, b.ID, b.SessionID)
	}
	if a.ID == c.ID {
		t.Errorf("different events share id %q", a.ID)
	}
	if len(a.ID) != 36 || strings.Count(a.ID, "-") != 4 {
		t.Errorf("id %q is not UUID-shaped", a.ID)
	}
}

func TestParseEventInvalid(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{``, "empty"},
		{`[1,2]`, "not a JSON object"},
		{`{"type":"view","date":1`, "invalid JSON"},
		{`{"date":1}`, "missing type"},
		{`{"type":"session","date":1}`, "unknown type"},
		{`{"type":"view"}`, "missing date"},
		{`{"type":"view","date":null}`, "missing date"},
		{`{"type":"view","date":-5}`, "not a time"},
		{`{"type":"view","date":1,"view":"oops"}`, `field "view"`},
	} {
		_, err := ParseEvent([]byte(tc.line), "")
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseEvent(%q) err=%v, want ErrInvalid mentioning %q", tc.line, err, tc.want)
		}
	}
}

func FuzzParseEvent(f *testing.F) {
	body, err := os.ReadFile("testdata/datadog-7.16.2-batch.ndjson")
	if err != nil {
		f.Fatal(err)
	}
	for line := range bytes.SplitSeq(body, []byte("\n")) {
		f.Add(line)
	}
	f.Add([]byte(`{"type":"view_update","date":"5","view":{"id":1}}`))
	f.Add([]byte(`{"type":"telemetry","date":1}`))
	f.Add([]byte(`{"type":"resource","date":1e300,"resource":{"duration":null,"status_code":"x"}}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		ev, err := ParseEvent(line, "ua")
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrTelemetry) {
				t.Fatalf("error %v wraps neither ErrInvalid nor ErrTelemetry", err)
			}
			return
		}
		if ev.ID == "" || ev.SessionID == "" || ev.ViewID == "" || ev.Date <= 0 {
			t.Fatalf("accepted event lacks ids or date: %+v", ev)
		}
		if !bytes.Equal(ev.Raw, bytes.TrimSpace(line)) {
			t.Fatalf("Raw differs from the input")
		}
	})
}
