// Package useragent turns a User-Agent header into the browser, operating
// system and device type that the explorers show and filter on. It wraps
// github.com/medama-io/go-useragent, a trie-based parser (sub-microsecond,
// no allocations) so that parsing on every stored event costs nothing.
package useragent

import (
	"strings"

	mua "github.com/medama-io/go-useragent"
	"github.com/medama-io/go-useragent/agents"
)

// Info is what the explorers show of a user agent.
type Info struct {
	Browser string // name and major version: "Chrome 120", "Firefox 121"; "" if unknown
	OS      string // "Linux", "Windows", "macOS", "iOS", "Android", "ChromeOS", …
	Device  string // "desktop", "mobile", "tablet", "bot", "tv"; "" if unknown
}

// parser is built once from the library's embedded definitions; Parse is a
// read-only trie lookup and safe for concurrent use.
var parser = mua.NewParser()

// Parse returns the browser, OS and device of ua. An empty or unrecognised
// string gives empty fields.
func Parse(ua string) Info {
	if strings.TrimSpace(ua) == "" {
		return Info{}
	}
	a := parser.Parse(ua)
	var info Info
	if b := string(a.Browser()); b != "" {
		info.Browser = b
		if v := a.BrowserVersionMajor(); v != "" {
			info.Browser += " " + v
		}
	}
	info.OS = string(a.OS())
	if a.OS() == agents.OSMacOS {
		info.OS = "macOS"
	}
	switch {
	case a.IsBot():
		info.Device = "bot"
	case a.Device() != "":
		info.Device = strings.ToLower(string(a.Device()))
	case info.Browser != "":
		// A known browser without a device hint is a desktop browser.
		info.Device = "desktop"
	}
	return info
}
