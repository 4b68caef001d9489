package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSessionsExplorerPassesFiltersToReader(t *testing.T) {
	fr := fixture()
	mux := newServer(t, fr, false)
	q := "/explorer/sessions?app=shop&browser=Chrome&device=mobile&env=prod&has_error=true&has_replay=false" +
		"&os=Linux&q=checkout&range=1h&service=web&session=s1&sort=-duration&url=%2Fcart&user=ann&version=1.2"
	before := time.Now()
	res, body := get(t, mux, q)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status=%d, want 200; body:\n%s", res.StatusCode, body)
	}
	f := fr.lastFilter()
	for name, got := range map[string]string{"App": f.App, "Browser": f.Browser, "Device": f.Device, "Env": f.Env,
		"OS": f.OS, "Query": f.Query, "Service": f.Service, "SessionID": f.SessionID, "Sort": f.Sort, "URL": f.URL,
		"User": f.User, "Version": f.Version} {
		want := map[string]string{"App": "shop", "Browser": "Chrome", "Device": "mobile", "Env": "prod", "OS": "Linux",
			"Query": "checkout", "Service": "web", "SessionID": "s1", "Sort": "-duration", "URL": "/cart", "User": "ann", "Version": "1.2"}[name]
		if got != want {
			t.Errorf("Filter.%s=%q, want %q", name, got, want)
		}
	}
	if f.HasError == nil || !*f.HasError || f.HasReplay == nil || *f.HasReplay {
		t.Errorf("HasError=%v HasReplay=%v, want true/false", f.HasError, f.HasReplay)
	}
	if span := f.To - f.From; span < 3_600_000 || span > 3_600_000+1000 {
		t.Errorf("To-From=%d, want one hour", span)
	}
	if f.To < before.UnixMilli() {
		t.Errorf("To=%d is before the request", f.To)
	}
	if f.Limit != 50 {
		t.Errorf("Limit=%d, want 50", f.Limit)
	}
	// The histogram asks for the same filter over the same window.
	if len(fr.hist) != 1 || fr.hist[0].From != f.From || fr.hist[0].Query != "checkout" {
		t.Errorf("Histogram filters=%+v, want one call with the list's filter", fr.hist)
	}
	// Every active filter shows as a chip whose × removes only it.
	mustContain(t, body, `Application: <strong>shop</strong>`, `Search: <strong>checkout</strong>`)
	mustContain(t, body, `href="/explorer/sessions?app=shop&amp;browser=Chrome&amp;device=mobile&amp;env=prod&amp;has_error=true&amp;has_replay=false&amp;os=Linux&amp;q=checkout&amp;range=1h&amp;service=web&amp;session=s1&amp;sort=-duration&amp;url=%2Fcart&amp;version=1.2"`)
}

func TestSessionsExplorerRows(t *testing.T) {
	_, body := get(t, newServer(t, fixture(), false), "/explorer/sessions")
	mustContain(t, body,
		`<strong class="total" data-testid="total">2</strong>`,
		`href="/sessions/s1"`, "Ann Lee &lt;ann@example.com&gt;", "1 min 35 s", "Chrome 120", "/cart?x=1",
		`href="/replay/s1?t=0"`) // s1 has a replay, s2 does not
	if strings.Contains(body, `/replay/s2`) {
		t.Error("Play shown for a session without replay")
	}
	// Sessions sort by time, newest first, by default; the header offers the other way.
	mustContain(t, body, `<a class="sort desc" href="/explorer/sessions?sort=date">Time</a>`,
		`<a class="sort " href="/explorer/sessions?sort=-duration">Duration</a>`,
		`<a class="sort " href="/explorer/sessions?sort=user">User</a>`)
}

func TestEventExplorers(t *testing.T) {
	cases := []struct {
		kind, typ string
		wants     []string
	}{
		{"views", "view", []string{`href="/views/v1"`, "1.20 s", `class="poor-text">5.20 s`, `href="/replay/s1?t=0"`, `href="/replay/s1?t=60000"`}},
		{"errors", "error", []string{`href="/errors/e1"`, "TypeError: cart is undefined", `href="/replay/s1?t=30000"`}},
		{"resources", "resource", []string{`href="/resources/r1"`, "https://shop.example/api/cart", `pill poor">503`, "2.0 KB", `href="/replay/s1?t=100"`}},
		{"actions", "action", []string{`href="/actions/a1"`, "Add to cart", `href="/replay/s1?t=20000"`}},
		{"long_tasks", "long_task", []string{`href="/long_tasks/l1"`, "180 ms", `href="/replay/s1?t=2000"`}},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			fr := fixture()
			res, body := get(t, newServer(t, fr, false), "/explorer/"+c.kind)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status=%d", res.StatusCode)
			}
			if len(fr.types) != 1 || fr.types[0] != c.typ {
				t.Fatalf("ListEvents types=%v, want [%s]", fr.types, c.typ)
			}
			mustContain(t, body, c.wants...)
			mustContain(t, body, `aria-current="page"><svg`) // nav item highlighted
		})
	}
}

func TestResourceFilters(t *testing.T) {
	fr := fixture()
	res, body := get(t, newServer(t, fr, false), "/explorer/resources?status=503&resource_type=fetch")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status=%d", res.StatusCode)
	}
	if f := fr.lastFilter(); f.StatusCode != 503 || f.ResourceType != "fetch" {
		t.Fatalf("StatusCode=%d ResourceType=%q", f.StatusCode, f.ResourceType)
	}
	mustContain(t, body, `name="status" value="503"`, `<option value="fetch" selected>`)
	// Resource-only filters are not offered on other explorers.
	_, body = get(t, newServer(t, fr, false), "/explorer/sessions")
	if strings.Contains(body, `name="status"`) {
		t.Error("sessions explorer offers the status code filter")
	}
}

func TestExplorerRejectsBadInput(t *testing.T) {
	mux := newServer(t, fixture(), false)
	for _, q := range []string{"status=abc", "status=99", "has_error=maybe", "limit=0", "limit=5000",
		"range=custom&from=yesterday", "range=custom&from=2000&to=1000"} {
		res, body := get(t, mux, "/explorer/sessions?"+q)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status=%d, want 400", q, res.StatusCode)
		}
		mustContain(t, body, "Invalid filter")
	}
	res, _ := get(t, mux, "/explorer/nonsense")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown explorer: status=%d, want 404", res.StatusCode)
	}
}

func TestExplorerCanonicalRedirect(t *testing.T) {
	mux := newServer(t, fixture(), false)
	cases := map[string]string{
		// A submitted form leaves empty fields; the default range is implied.
		"/explorer/sessions?app=&env=prod&q=&range=1d&device=": "/explorer/sessions?env=prod",
		// A preset ignores the custom inputs the form also sends.
		"/explorer/errors?range=1h&from=2024-01-01T10%3A00&to=": "/explorer/errors?range=1h",
		// The custom range's Apply button wins over the hidden current range.
		"/explorer/views?range=1h&range=custom&from=2024-01-01T10%3A00&to=2024-01-01T11%3A00": "/explorer/views?from=2024-01-01T10%3A00&range=custom&to=2024-01-01T11%3A00",
		"/explorer/views?unknown=1": "/explorer/views",
	}
	for in, want := range cases {
		res, _ := get(t, mux, in)
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != want {
			t.Errorf("%s: status=%d Location=%q, want 302 %q", in, res.StatusCode, res.Header.Get("Location"), want)
		}
		res, _ = get(t, mux, want)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status=%d, want 200 (no redirect loop)", want, res.StatusCode)
		}
	}
}

func TestCustomRange(t *testing.T) {
	fr := fixture()
	res, body := get(t, newServer(t, fr, false), "/explorer/sessions?range=custom&from=1700000000000&to=1700003600000")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status=%d", res.StatusCode)
	}
	if f := fr.lastFilter(); f.From != 1700000000000 || f.To != 1700003600000 {
		t.Fatalf("From=%d To=%d", f.From, f.To)
	}
	mustContain(t, body, `class="custom-range active"`)
	// datetime-local values are read in the server's zone.
	fr = fixture()
	local := time.Date(2024, 5, 1, 14, 30, 0, 0, time.Local)
	get(t, newServer(t, fr, false), "/explorer/sessions?range=custom&from=2024-05-01T14%3A30&to=2024-05-01T15%3A30")
	if f := fr.lastFilter(); f.From != local.UnixMilli() || f.To != local.Add(time.Hour).UnixMilli() {
		t.Fatalf("From=%d To=%d, want %d..+1h", f.From, f.To, local.UnixMilli())
	}
}

func TestCursorPaging(t *testing.T) {
	fr := fixture()
	fr.next = "c2"
	mux := newServer(t, fr, false)
	_, body := get(t, mux, "/explorer/sessions?env=prod")
	mustContain(t, body, `href="/explorer/sessions?cursor=c2&amp;env=prod&amp;pc=" rel="next"`, `<span class="btn sm disabled">← Previous</span>`)

	fr.next = "c3"
	_, body = get(t, mux, "/explorer/sessions?cursor=c2&env=prod&pc=")
	if f := fr.lastFilter(); f.Cursor != "c2" || f.Env != "prod" {
		t.Fatalf("Cursor=%q Env=%q", f.Cursor, f.Env)
	}
	// Previous goes back to the first page; next carries the history on.
	mustContain(t, body, `href="/explorer/sessions?env=prod" rel="prev"`,
		`href="/explorer/sessions?cursor=c3&amp;env=prod&amp;pc=&amp;pc=c2" rel="next"`)

	fr.next = ""
	_, body = get(t, mux, "/explorer/sessions?cursor=c3&env=prod&pc=&pc=c2")
	mustContain(t, body, `href="/explorer/sessions?cursor=c2&amp;env=prod&amp;pc=" rel="prev"`, `<span class="btn sm disabled">Next →</span>`)
}

func TestHistogramBars(t *testing.T) {
	fr := fixture()
	from, to := t0-20*60_000, t0+20*60_000
	_, body := get(t, newServer(t, fr, false), "/explorer/sessions?range=custom&from="+strconv.FormatInt(from, 10)+"&to="+strconv.FormatInt(to, 10))
	if got := strings.Count(body, `<rect class="hit"`); got != histogramBuckets {
		t.Fatalf("%d bars, want %d", got, histogramBuckets)
	}
	// Both sessions fall in the bucket holding t0, the tallest bar.
	mustContain(t, body, `height="60" rx="1.5"><title>2 · `, "max 2 per bar")
	if got := strings.Count(body, `height="0" rx="1.5"`); got != histogramBuckets-1 {
		t.Errorf("%d empty bars, want %d", got, histogramBuckets-1)
	}
	// A bar zooms the explorer into its slice.
	bucket := (to - from) / histogramBuckets
	start := from + 20*bucket
	mustContain(t, body, `href="/explorer/sessions?from=`+strconv.FormatInt(start, 10)+`&amp;range=custom&amp;to=`+strconv.FormatInt(start+bucket, 10)+`"`)
}

func TestEmptyExplorerShowsSnippet(t *testing.T) {
	res, body := get(t, newServer(t, &fakeReader{}, false), "/explorer/errors")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status=%d", res.StatusCode)
	}
	mustContain(t, body, "No errors in this time range", `&lt;script src="http://example.com/sdk/reprise.js"&gt;`)
}

func FuzzParseExplorerQuery(f *testing.F) {
	for _, s := range []string{"", "app=shop&range=1h", "range=custom&from=1&to=2", "range=custom&from=2024-05-01T14:30",
		"status=404&resource_type=xhr", "has_error=true&has_replay=0", "cursor=abc&pc=&pc=x", "limit=1000&sort=-duration",
		"range=custom&range=1h&from=%00", "q=%3Cscript%3E"} {
		f.Add(s)
	}
	now := time.UnixMilli(1_700_000_000_000)
	kind, _ := findKind("resources")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseExplorerQuery(kind, v, now)
		if err != nil {
			return
		}
		if q.Filter.From >= q.Filter.To {
			t.Fatalf("From=%d >= To=%d", q.Filter.From, q.Filter.To)
		}
		// The canonical URL parses back to the same filter, so redirecting to it never loops.
		u, err := url.Parse(q.canonicalURL())
		if err != nil {
			t.Fatalf("canonical URL %q: %v", q.canonicalURL(), err)
		}
		q2, err := parseExplorerQuery(kind, u.Query(), now)
		if err != nil {
			t.Fatalf("canonical URL %q does not parse: %v", u, err)
		}
		if q2.canonicalURL() != q.canonicalURL() {
			t.Fatalf("canonical URL not stable: %q then %q", q.canonicalURL(), q2.canonicalURL())
		}
		if q2.Filter.From != q.Filter.From || q2.Filter.To != q.Filter.To || q2.Filter.Query != q.Filter.Query {
			t.Fatalf("filter changed through the canonical URL: %+v vs %+v", q.Filter, q2.Filter)
		}
	})
}

// A store that stopped counting (TotalCapped) shows its total as a lower bound.
func TestExplorerShowsCappedTotal(t *testing.T) {
	fr := fixture()
	fr.capped = true
	_, body := get(t, newServer(t, fr, false), "/explorer/sessions")
	mustContain(t, body, `<strong class="total" data-testid="total">2+</strong>`, "Showing 2 of 2+")
}
