package query

import (
	"errors"
	"net/url"
	"reflect"
	"testing"

	"github.com/reprise-rum/reprise/internal/store"
)

func TestParseFilterEveryField(t *testing.T) {
	q, _ := url.ParseQuery("from=1000&to=2026-01-01T00:00:00Z&app=shop&env=prod&service=web&version=1.2&user=ada" +
		"&session_id=s&view_id=v&url=/cart&browser=Chrome&os=Linux&device=desktop&q=boom&has_replay=true" +
		"&has_error=0&status_code=503&resource_type=xhr&action_type=click&error_source=network&sort=-duration" +
		"&limit=25&cursor=abc")
	f, err := parseFilter(q)
	if err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	want := store.Filter{
		From: 1000, To: 1767225600000, App: "shop", Env: "prod", Service: "web", Version: "1.2", User: "ada",
		SessionID: "s", ViewID: "v", URL: "/cart", Browser: "Chrome", OS: "Linux", Device: "desktop", Query: "boom",
		HasReplay: &yes, HasError: &no, StatusCode: 503, ResourceType: "xhr", ActionType: "click",
		ErrorSource: "network", Sort: "-duration", Limit: 25, Cursor: "abc",
	}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("parseFilter=%+v\nwant        %+v", f, want)
	}
}

func TestParseFilterErrors(t *testing.T) {
	for _, raw := range []string{"from=-1", "to=soon", "from=5&to=5", "has_error=perhaps", "limit=0", "limit=1001", "status_code=1000"} {
		q, _ := url.ParseQuery(raw)
		var br *badRequest
		if _, err := parseFilter(q); !errors.As(err, &br) {
			t.Errorf("parseFilter(%s) err=%v, want a bad request", raw, err)
		}
	}
}

func TestTypesParam(t *testing.T) {
	q, _ := url.ParseQuery("type=view,errors&type=long_task")
	got, err := typesParam(q)
	if err != nil || !reflect.DeepEqual(got, []string{"view", "error", "long_task"}) {
		t.Fatalf("typesParam=%v, %v", got, err)
	}
	q, _ = url.ParseQuery("type=session")
	if _, err := typesParam(q); err == nil {
		t.Fatal("type=session accepted")
	}
}
