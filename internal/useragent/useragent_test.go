package useragent

import "testing"

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		ua   string
		want Info
	}{
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
			Info{"Chrome 120", "Linux", "desktop"}},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
			Info{"Firefox 121", "Windows", "desktop"}},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
			Info{"Safari 17", "macOS", "desktop"}},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
			Info{"Safari 17", "iOS", "mobile"}},
		{"Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
			Info{"Safari 17", "iOS", "tablet"}},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
			Info{"Chrome 120", "Android", "mobile"}},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
			Info{"", "", "bot"}},
		{"", Info{}},
	} {
		if got := Parse(tc.ua); got != tc.want {
			t.Errorf("Parse(%q)=%+v, want %+v", tc.ua, got, tc.want)
		}
	}
}

func TestHeadlessChromium(t *testing.T) {
	// The end-to-end tests drive headless Chromium: it is automation, so a
	// bot, but its sessions still show a browser and OS.
	got := Parse("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36")
	if want := (Info{"Chrome 131", "Linux", "bot"}); got != want {
		t.Errorf("Parse(headless)=%+v, want %+v", got, want)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36")
	f.Add("Googlebot")
	f.Add("")
	f.Fuzz(func(t *testing.T, ua string) {
		info := Parse(ua)
		switch info.Device {
		case "", "desktop", "mobile", "tablet", "bot", "tv":
		default:
			t.Fatalf("Parse(%q).Device=%q", ua, info.Device)
		}
	})
}
