package redact

import (
	"strings"
	"testing"

	"github.com/reprise-rum/reprise/internal/rum"
)

func parse(tb testing.TB, line string) rum.Event {
	tb.Helper()
	ev, err := rum.ParseEvent([]byte(line), "test-agent")
	if err != nil {
		tb.Fatal(err)
	}
	return ev
}

func TestEventError(t *testing.T) {
	r := newDefault(t, `cust=CUST-\d{6}`)
	ev := parse(t, `{"type":"error","date":1712345678901,"application":{"id":"shop"},"session":{"id":"s1"},`+
		`"view":{"id":"v1","url":"https://shop.test/checkout?email=ada%40example.com","name":"/checkout"},`+
		`"usr":{"id":"u1","email":"ada@example.com","name":"Ada"},`+
		`"error":{"id":"e1","message":"payment failed for 4111 1111 1111 1111 (CUST-004211)","stack":"Error: ada@example.com\n at pay (https://shop.test/app.js:10:5)","source":"source","type":"Error"},`+
		`"context":{"note":"call 5555555555554444"}}`)
	changed, err := r.Event(&ev)
	if err != nil || !changed {
		t.Fatalf("Event = %v, %v", changed, err)
	}
	raw := string(ev.Raw)
	for _, leak := range []string{"4111 1111", "5555555555554444", "CUST-004211", "ada%40example.com", "Error: ada@"} {
		if strings.Contains(raw, leak) {
			t.Errorf("Raw still holds %q: %s", leak, raw)
		}
	}
	// setUser's email is the site's deliberate choice: kept, in Raw and decoded.
	if !strings.Contains(raw, `"email":"ada@example.com"`) || ev.UserEmail != "ada@example.com" {
		t.Errorf("usr.email changed: %q / %s", ev.UserEmail, raw)
	}
	if got, want := ev.Error.Message, "payment failed for [redacted:card] ([redacted:cust])"; got != want {
		t.Errorf("Error.Message = %q, want %q", got, want)
	}
	if got := ev.Error.Stack; !strings.HasPrefix(got, "Error: [redacted:email]\n at pay (https://shop.test/app.js:10:5)") {
		t.Errorf("Error.Stack = %q", got)
	}
	if got, want := ev.ViewURL, "https://shop.test/checkout?email=[redacted:email]"; got != want {
		t.Errorf("ViewURL = %q, want %q", got, want)
	}
	if ev.SessionID != "s1" || ev.ViewID != "v1" || ev.ID != "e1" || ev.AppID != "shop" {
		t.Errorf("ids changed: %+v", ev)
	}
	// Each match counted once, though it is in Raw and in a decoded field.
	counts := map[string]int64{}
	for _, c := range r.Counts() {
		counts[c.Pattern] = c.Count
	}
	if counts["card"] != 2 || counts["email"] != 2 || counts["cust"] != 1 {
		t.Errorf("Counts = %v, want card 2 (message, context), email 2 (url, stack), cust 1", counts)
	}
}

func TestEventCleanUntouched(t *testing.T) {
	r := newDefault(t)
	line := `{"type":"action","date":1712345678901,"application":{"id":"shop"},"session":{"id":"s1"},"view":{"id":"v1","url":"https://shop.test/orders/4111111111111112"},"action":{"id":"a1","type":"click","target":{"name":"Order 4111111111111112"}}}`
	ev := parse(t, line)
	changed, err := r.Event(&ev)
	if err != nil || changed {
		t.Fatalf("Event = %v, %v; want unchanged", changed, err)
	}
	if string(ev.Raw) != line || ev.Action.TargetName != "Order 4111111111111112" {
		t.Fatalf("clean event changed: %s", ev.Raw)
	}
	if r.Total() != 0 {
		t.Fatalf("Total = %d after a clean event", r.Total())
	}
}

func TestEventResourceAndAction(t *testing.T) {
	r := newDefault(t)
	ev := parse(t, `{"type":"resource","date":1712345678901,"application":{"id":"shop"},"session":{"id":"s1"},"view":{"id":"v1","url":"https://shop.test/"},"resource":{"id":"r1","url":"https://api.test/lookup?mail=bob@example.org","type":"fetch"}}`)
	if _, err := r.Event(&ev); err != nil {
		t.Fatal(err)
	}
	if got, want := ev.Resource.URL, "https://api.test/lookup?mail=[redacted:email]"; got != want {
		t.Errorf("Resource.URL = %q, want %q", got, want)
	}
	ev = parse(t, `{"type":"action","date":1712345678901,"application":{"id":"shop"},"session":{"id":"s1"},"view":{"id":"v1","url":"https://shop.test/"},"action":{"id":"a1","type":"custom","target":{"name":"signup bob@example.org"}}}`)
	if _, err := r.Event(&ev); err != nil {
		t.Fatal(err)
	}
	if got, want := ev.Action.TargetName, "signup [redacted:email]"; got != want {
		t.Errorf("Action.TargetName = %q, want %q", got, want)
	}
}

// A field decoded from a JSON number is not a string in Raw, but the decoded
// field is still redacted (and counted).
func TestEventNumberField(t *testing.T) {
	r := newDefault(t)
	ev := parse(t, `{"type":"view","date":1712345678901,"application":{"id":"shop"},"session":{"id":"s1"},"view":{"id":"v1","url":"https://shop.test/","name":4111111111111111}}`)
	changed, err := r.Event(&ev)
	if err != nil || !changed {
		t.Fatalf("Event = %v, %v", changed, err)
	}
	if ev.ViewName != Marker(PatternCard) || r.Total() != 1 {
		t.Fatalf("ViewName = %q, Total = %d", ev.ViewName, r.Total())
	}
}
