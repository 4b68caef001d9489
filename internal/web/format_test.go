package web

import "testing"

func TestRatingThresholds(t *testing.T) {
	cases := []struct {
		metric string
		v      float64
		want   string
	}{
		{"lcp", 2500e6, "good"}, {"lcp", 2501e6, "ni"}, {"lcp", 4000e6, "ni"}, {"lcp", 4001e6, "poor"},
		{"fcp", 1800e6, "good"}, {"fcp", 3001e6, "poor"},
		{"inp", 200e6, "good"}, {"inp", 201e6, "ni"}, {"inp", 501e6, "poor"},
		{"ttfb", 800e6, "good"}, {"ttfb", 1801e6, "poor"},
		{"cls", 0.1, "good"}, {"cls", 0.11, "ni"}, {"cls", 0.26, "poor"},
		{"unknown", 1, ""},
	}
	for _, c := range cases {
		if got := rating(c.metric, c.v); got != c.want {
			t.Errorf("rating(%s, %v)=%q, want %q", c.metric, c.v, got, c.want)
		}
	}
	if got := ratingOf("lcp", int64(5000e6)); got != "poor" {
		t.Errorf("ratingOf(int64)=%q, want poor", got)
	}
}

func TestFormatters(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{fmtMillis(340), "340 ms"}, {fmtMillis(4200), "4.20 s"}, {fmtMillis(35_000), "35.0 s"},
		{fmtMillis(185_000), "3 min 5 s"}, {fmtMillis(3_720_000), "1 h 2 min"},
		{fmtNanos(250e6), "250 ms"}, {fmtNanos(500_000), "0.50 ms"},
		{fmtBytes(0), "—"}, {fmtBytes(512), "512 B"}, {fmtBytes(2048), "2.0 KB"}, {fmtBytes(3 << 20), "3.0 MB"},
		{fmtCount(0), "0"}, {fmtCount(999), "999"}, {fmtCount(1000), "1,000"}, {fmtCount(1234567), "1,234,567"}, {fmtCount(-12345), "-12,345"},
		{fmtOffset(65_000), "1:05"}, {fmtOffset(3_723_000), "1:02:03"}, {fmtOffset(-1), "0:00"}, {fmtOffsetFine(61_450), "1:01.4"},
		{urlPath("https://shop.example/a/b?x=1#/route"), "/a/b?x=1#/route"}, {urlPath("https://shop.example"), "/"},
		{urlPath("not a url"), "not a url"},
		{replayURL("a/b", -10), "/replay/a%2Fb?t=0"}, {replayURL("s1", 1500), "/replay/s1?t=1500"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestSplitStack(t *testing.T) {
	lines := splitStack("Error: boom\n    at f (a.js:1:2)\ng@https://x/b.js:3:4\n\n")
	if len(lines) != 3 || lines[0].Frame || !lines[1].Frame || !lines[2].Frame {
		t.Fatalf("splitStack=%+v", lines)
	}
}
