package redact

import (
	"regexp"
	"strings"
	"testing"
)

func newDefault(tb testing.TB, specs ...string) *Redactor {
	tb.Helper()
	cfg := DefaultConfig()
	ps, err := ParsePatterns(specs)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Patterns = ps
	r, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestCardsRedacted(t *testing.T) {
	r := newDefault(t)
	card := Marker(PatternCard)
	for _, tc := range []struct{ in, want string }{
		{"4111111111111111", card},
		{"card 4111 1111 1111 1111 expires", "card " + card + " expires"},
		{"4111-1111-1111-1111", card},
		{"amex 3782 822463 10005.", "amex " + card + "."},
		{"mc 5555555555554444, thanks", "mc " + card + ", thanks"},
		{"2-series 2223000048400011", "2-series " + card},
		{"discover 6011111111111117", "discover " + card},
		{"visa13 4222222222222", "visa13 " + card},
		{"19 digits 6304000000000000018", "19 digits " + card}, // Maestro test number
		// A card followed by a year in the same run of groups.
		{"4111 1111 1111 1111 2031", card + " 2031"},
		// A short number before the card in the same run.
		{"qty 12 4111 1111 1111 1111", "qty 12 " + card},
		{"(4111111111111111)", "(" + card + ")"},
		{"cc=4111111111111111&x=1", "cc=" + card + "&x=1"},
		{"two 4111111111111111 and 5555555555554444", "two " + card + " and " + card},
		{`{"n":"4111111111111111"}`, `{"n":"` + card + `"}`},
	} {
		got, changed := r.String(tc.in)
		if got != tc.want || !changed {
			t.Errorf("String(%q) = %q, %v; want %q, true", tc.in, got, changed, tc.want)
		}
	}
}

// Order numbers, timestamps, ids and amounts are not cards: they must stay.
func TestCardFalsePositivesStay(t *testing.T) {
	r := newDefault(t)
	for _, in := range []string{
		"Order 4111111111111112 shipped",        // fails Luhn
		"order #5555555555554440",               // fails Luhn
		"order 4111 1111 1111 1112",             // grouped, fails Luhn
		"1712345678907",                         // ms timestamp: issuer prefix 1 (Luhn-valid)
		"9111111111111110 is not issued",        // prefix 9, Luhn-valid
		"trace a4111111111111111f",              // inside a hex id
		"x4111111111111111",                     // joined to a word
		"4111111111111111x",                     // joined to a word
		"amount 4111111111111111.50",            // a decimal
		"version 1.4111111111111111",            // a decimal
		"phone +1 555 123 4567",                 // 11 digits
		"41111111111111111111111",               // 23 digits: too long for a card
		"4111 1111-1111 1111",                   // mixed separators: neither half is long enough
		"411111111111",                          // 12 digits: too short
		"4111  1111  1111  1111",                // double spaces: not one grouped number
		"ids 1234567 7654321",                   // short groups, prefix 1
		"2000000000000006 is outside 2221-2720", // Luhn-valid, prefix outside the range
	} {
		if got, changed := r.String(in); changed {
			t.Errorf("String(%q) = %q: a non-card was redacted", in, got)
		}
	}
	if c := r.Counts()[0]; c.Pattern != PatternCard || c.Count != 0 {
		t.Fatalf("card counter = %+v after false positives only", c)
	}
}

func TestLuhn(t *testing.T) {
	for _, tc := range []struct {
		num  string
		want bool
	}{
		{"4111111111111111", true}, {"4111111111111112", false}, {"79927398713", true},
		{"79927398710", false}, {"378282246310005", true}, {"0", true},
	} {
		if got := luhnValid(tc.num); got != tc.want {
			t.Errorf("luhnValid(%s) = %v, want %v", tc.num, got, tc.want)
		}
	}
}

func TestEmailsRedacted(t *testing.T) {
	r := newDefault(t)
	email := Marker(PatternEmail)
	for _, tc := range []struct{ in, want string }{
		{"contact ada.lovelace+rum@example.co.uk now", "contact " + email + " now"},
		{"https://shop.test/reset?email=ada%40example.com&step=2", "https://shop.test/reset?email=" + email + "&step=2"},
		{"https://shop.test/u/ada@example.com/orders", "https://shop.test/u/" + email + "/orders"},
		{"https://user:pw@db.example.com/x", "https://user:" + email + "/x"}, // credentials in a URL go too
		{"Ada@Example.COM.", email + "."},
		{"a@b.io and c@d.io", email + " and " + email},
	} {
		got, changed := r.String(tc.in)
		if got != tc.want || !changed {
			t.Errorf("String(%q) = %q, %v; want %q, true", tc.in, got, changed, tc.want)
		}
	}
	for _, in := range []string{
		"at node_modules/lib@1.2.3/index.js:10:5", // npm version, not a domain
		"follow @reprise on the web",
		"user@localhost", // no top-level domain
		"price is 5 @ 3.99",
		"webpack://app/src/a.ts", // no @ at all
	} {
		if got, changed := r.String(in); changed {
			t.Errorf("String(%q) = %q: not an email, redacted", in, got)
		}
	}
}

func TestCustomPatterns(t *testing.T) {
	r := newDefault(t, `ssn=\b\d{3}-\d{2}-\d{4}\b`, `CUST-[0-9]{6}`, `iban=\bDE\d{20}\b`)
	got, _ := r.String("ssn 078-05-1120, customer CUST-004211, iban DE89370400440532013000, order 078-05")
	want := "ssn [redacted:ssn], customer [redacted:custom], iban [redacted:iban], order 078-05"
	if got != want {
		t.Fatalf("String = %q, want %q", got, want)
	}
	counts := map[string]int64{}
	for _, c := range r.Counts() {
		counts[c.Pattern] = c.Count
	}
	if counts["ssn"] != 1 || counts["custom"] != 1 || counts["iban"] != 1 || counts["card"] != 0 {
		t.Fatalf("Counts = %v", counts)
	}
	if names := patternNames(r.Counts()); names != "card,email,custom,iban,ssn" {
		t.Fatalf("Counts order = %s, want built-ins then configured by name", names)
	}
	if r.Total() != 3 {
		t.Fatalf("Total = %d, want 3", r.Total())
	}
}

func patternNames(cs []Count) string {
	var n []string
	for _, c := range cs {
		n = append(n, c.Pattern)
	}
	return strings.Join(n, ",")
}

func TestParsePattern(t *testing.T) {
	if p, err := ParsePattern(`a=b`); err != nil || p.Name != "a" || p.Re.String() != "b" {
		t.Fatalf("ParsePattern(a=b) = %+v, %v", p, err)
	}
	// "=" inside a bare regexp: the part before is not a plain word, so it is all regexp.
	if p, err := ParsePattern(`token\s*=\s*\w+`); err != nil || p.Name != "custom" || p.Re.String() != `token\s*=\s*\w+` {
		t.Fatalf("ParsePattern(token=…) = %+v, %v", p, err)
	}
	for _, bad := range []string{"", "x=", "bad=(", "(unclosed"} {
		if _, err := ParsePattern(bad); err == nil {
			t.Errorf("ParsePattern(%q): no error", bad)
		}
	}
	if _, err := New(Config{Patterns: []Pattern{{Name: "empty", Re: regexp.MustCompile(`x*`)}}}); err == nil {
		t.Error("New accepted a pattern matching the empty string")
	}
	if _, err := New(Config{Patterns: []Pattern{{Name: "sp ace", Re: regexp.MustCompile(`x`)}}}); err == nil {
		t.Error("New accepted a pattern name with a space")
	}
}

func TestDisabledBuiltins(t *testing.T) {
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	in := "4111111111111111 ada@example.com"
	if got, changed := r.String(in); changed || got != in {
		t.Fatalf("String with no patterns = %q, %v", got, changed)
	}
}

func TestCountsAccumulate(t *testing.T) {
	r := newDefault(t)
	r.String("4111111111111111 4111111111111111 a@b.io")
	r.String("x@y.io")
	cs := r.Counts()
	if cs[0].Count != 2 || cs[1].Count != 2 {
		t.Fatalf("Counts = %+v, want card 2, email 2", cs)
	}
}

func TestObserve(t *testing.T) {
	seen := map[string]int64{}
	cfg := DefaultConfig()
	cfg.Observe = func(p string, n int64) { seen[p] += n }
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.String("4111111111111111 and 5555555555554444, a@b.io")
	if seen["card"] != 2 || seen["email"] != 1 || len(seen) != 2 {
		t.Fatalf("Observe saw %v", seen)
	}
	if got := strings.Join(r.Names(), ","); got != "card,email" {
		t.Fatalf("Names = %s", got)
	}
}

func BenchmarkStringClean(b *testing.B) {
	r := newDefault(b)
	s := "TypeError: Cannot read properties of undefined (reading 'price') at https://shop.example/assets/app.3f9a1c.js:120:33"
	b.ReportAllocs()
	for b.Loop() {
		r.String(s)
	}
}
