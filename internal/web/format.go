package web

import (
	"fmt"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/reprise-rum/reprise/internal/store"
)

func templateFuncs(as *assets) template.FuncMap {
	return template.FuncMap{
		"asset":     as.URL,
		"nav":       func() []navItem { return explorerNav },
		"time":      fmtTime,
		"datetime":  fmtDateTime,
		"ms":        fmtMillis,
		"ns":        fmtNanos,
		"bytes":     fmtBytes,
		"offset":    fmtOffset,
		"offsetms":  fmtOffsetFine,
		"count":     fmtCount,
		"user":      userLabel,
		"urlpath":   urlPath,
		"replayURL": replayURL,
		"rating":    ratingOf,
		"lower":     strings.ToLower,
		"zone":      func() string { z, _ := time.Now().Zone(); return z },
		"cls":       func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) },
		"add":       func(a, b int) int { return a + b },
		"statusClass": func(code int) string {
			switch {
			case code >= 500:
				return "poor"
			case code >= 400:
				return "ni"
			case code > 0:
				return "good"
			}
			return ""
		},
	}
}

// Times are shown in the server's time zone, with the zone in the layout's
// footer: a self-hosted team usually shares one.
func fmtTime(ms int64) string {
	if ms <= 0 {
		return "—"
	}
	return time.UnixMilli(ms).Format("Jan 2, 15:04:05")
}

func fmtDateTime(ms int64) string {
	if ms <= 0 {
		return "—"
	}
	return time.UnixMilli(ms).Format("Mon Jan 2 2006, 15:04:05 MST")
}

// fmtMillis renders a duration in ms the way people read them: "340 ms",
// "4.2 s", "3 min 5 s", "1 h 2 min".
func fmtMillis(ms int64) string {
	switch {
	case ms < 0:
		return "—"
	case ms < 1000:
		return fmt.Sprintf("%d ms", ms)
	case ms < 10_000:
		return fmt.Sprintf("%.2f s", float64(ms)/1000)
	case ms < 60_000:
		return fmt.Sprintf("%.1f s", float64(ms)/1000)
	case ms < 3_600_000:
		return fmt.Sprintf("%d min %d s", ms/60_000, ms%60_000/1000)
	default:
		return fmt.Sprintf("%d h %d min", ms/3_600_000, ms%3_600_000/60_000)
	}
}

// fmtNanos renders a schema duration (nanoseconds).
func fmtNanos(ns int64) string {
	if ns > 0 && ns < 1_000_000 {
		return fmt.Sprintf("%.2f ms", float64(ns)/1e6)
	}
	return fmtMillis(ns / 1_000_000)
}

func fmtBytes(n int64) string {
	switch {
	case n <= 0:
		return "—"
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/1024/1024)
	}
}

// fmtCount groups thousands so big totals read at a glance: "1,234,567".
func fmtCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// fmtOffset renders a position inside a session, like a video: "1:05", "1:02:03".
func fmtOffset(ms int64) string {
	if ms < 0 {
		ms = 0
	}
	s := ms / 1000
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s%3600/60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// fmtOffsetFine is fmtOffset with tenths of a second, for events that
// happen close together: "0:01.4".
func fmtOffsetFine(ms int64) string {
	if ms < 0 {
		ms = 0
	}
	return fmtOffset(ms) + "." + strconv.FormatInt(ms%1000/100, 10)
}

func userLabel(u store.User) string {
	switch {
	case u.Name != "" && u.Email != "":
		return u.Name + " <" + u.Email + ">"
	case u.Name != "":
		return u.Name
	case u.Email != "":
		return u.Email
	case u.ID != "":
		return u.ID
	}
	return "Anonymous"
}

// urlPath shortens a page URL to what tells pages apart: path, query and
// fragment (SPA routes live there).
func urlPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		p += "#" + u.EscapedFragment()
	}
	return p
}

// replayURL is the player link at t ms from the session's start.
func replayURL(sessionID string, t int64) string {
	if t < 0 {
		t = 0
	}
	return "/replay/" + url.PathEscape(sessionID) + "?t=" + strconv.FormatInt(t, 10)
}

// ratingOf is rating for templates, which hold metrics as int64 or float64.
func ratingOf(metric string, v any) string {
	switch n := v.(type) {
	case int64:
		return rating(metric, float64(n))
	case float64:
		return rating(metric, n)
	case int:
		return rating(metric, float64(n))
	}
	return ""
}

// rating classifies a web vital by the thresholds web.dev publishes
// (good / needs improvement / poor). Durations are in ns, CLS unitless.
func rating(metric string, v float64) string {
	var good, poor float64
	switch metric {
	case "lcp", "loading_time":
		good, poor = 2500e6, 4000e6
	case "fcp":
		good, poor = 1800e6, 3000e6
	case "inp":
		good, poor = 200e6, 500e6
	case "ttfb":
		good, poor = 800e6, 1800e6
	case "cls":
		good, poor = 0.1, 0.25
	default:
		return ""
	}
	switch {
	case v <= good || math.IsNaN(v):
		return "good"
	case v <= poor:
		return "ni"
	}
	return "poor"
}
