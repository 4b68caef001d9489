package redact

import "strings"

// Card numbers are found by hand rather than by a regular expression: a run
// of digit groups is cut at group boundaries into every candidate of 13 to 19
// digits, so that "4111 1111 1111 1111 2031" (a card followed by a year)
// still yields the card, and each candidate must pass three checks that keep
// ordinary numbers out:
//
//   - no letter, digit, '.' or ',' right before or after it: part of a
//     hexadecimal id, a decimal or a longer number is not a card;
//   - an issuer prefix: 2221-2720 (Mastercard), 3 (Amex, Diners, JCB),
//     4 (Visa), 5 (Mastercard, Maestro), 6 (Discover, UnionPay, Maestro).
//     Millisecond timestamps (1…) and most internal ids fall outside;
//   - a valid Luhn check digit, which 9 in 10 other numbers fail.
//
// Groups are separated by one space or one dash, the same throughout.

const (
	minCardDigits = 13
	maxCardDigits = 19
)

// redactCards replaces every card number in s with marker and returns how
// many it replaced.
func redactCards(s, marker string) (string, int) {
	// Fast path: most strings have no run of 13 digits at all.
	if !hasDigitRun(s) {
		return s, 0
	}
	var b strings.Builder
	n, copied := 0, 0
	for i := 0; i < len(s); {
		if !isDigit(s[i]) || (i > 0 && isAlnum(s[i-1])) {
			i++
			continue
		}
		groups, end := digitGroups(s, i)
		start, stop, ok := findCard(s, groups)
		if !ok {
			i = end
			continue
		}
		b.WriteString(s[copied:start])
		b.WriteString(marker)
		copied = stop
		n++
		i = stop
	}
	if n == 0 {
		return s, 0
	}
	b.WriteString(s[copied:])
	return b.String(), n
}

// hasDigitRun reports whether s holds at least minCardDigits digits with at
// most single separators between them.
func hasDigitRun[T string | []byte](s T) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			run++
			if run >= minCardDigits {
				return true
			}
		case (c == ' ' || c == '-') && i > 0 && isDigit(s[i-1]):
		default:
			run = 0
		}
	}
	return false
}

// span is one group of digits, s[start:end].
type span struct{ start, end int }

// digitGroups reads the groups of a digit run starting at i: digits, then
// (one separator, digits)*, with one separator kind throughout. It returns
// the groups and where the run ends.
func digitGroups(s string, i int) ([]span, int) {
	var groups []span
	var sep byte
	for {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		groups = append(groups, span{i, j})
		if j+1 < len(s) && (s[j] == ' ' || s[j] == '-') && isDigit(s[j+1]) && (sep == 0 || sep == s[j]) {
			sep = s[j]
			i = j + 1
			continue
		}
		return groups, j
	}
}

// findCard looks for the first card number made of whole consecutive groups
// and returns its byte range.
func findCard(s string, groups []span) (int, int, bool) {
	for a := range groups {
		digits := 0
		for z := a; z < len(groups); z++ {
			digits += groups[z].end - groups[z].start
			if digits > maxCardDigits {
				break
			}
			if digits < minCardDigits {
				continue
			}
			start, stop := groups[a].start, groups[z].end
			if a == 0 && joinedBefore(s, start) || z == len(groups)-1 && joinedAfter(s, stop) {
				continue
			}
			// A candidate inside a run must not split a group: it starts
			// and ends at group boundaries by construction.
			num := digitsOf(s[start:stop])
			if hasIssuerPrefix(num) && luhnValid(num) {
				return start, stop, true
			}
		}
	}
	return 0, 0, false
}

func digitsOf(s string) string {
	if !strings.ContainsAny(s, " -") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// hasIssuerPrefix checks the first digits against the ranges that card
// networks issue (ISO/IEC 7812 major industry identifiers 2-6).
func hasIssuerPrefix(num string) bool {
	switch num[0] {
	case '3', '4', '5', '6':
		return true
	case '2':
		p := atoi4(num)
		return p >= 2221 && p <= 2720
	}
	return false
}

func atoi4(s string) int {
	n := 0
	for i := 0; i < 4 && i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// luhnValid reports whether the last digit of num is its Luhn check digit.
func luhnValid(num string) bool {
	sum := 0
	double := false
	for i := len(num) - 1; i >= 0; i-- {
		d := int(num[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// joinedBefore reports whether the digits starting at s[start] continue a
// larger token: a word or hex id ("a4111…"), or a decimal ("1.4111…").
// A sentence's "card: 4111…" or "(4111…" is not joined.
func joinedBefore(s string, start int) bool {
	if start == 0 {
		return false
	}
	c := s[start-1]
	if isAlnum(c) {
		return true
	}
	return (c == '.' || c == ',') && start >= 2 && isDigit(s[start-2])
}

// joinedAfter is joinedBefore for the end: "4111…x", "4111….5"; a sentence's
// final "4111…." is not joined.
func joinedAfter(s string, stop int) bool {
	if stop >= len(s) {
		return false
	}
	c := s[stop]
	if isAlnum(c) {
		return true
	}
	return (c == '.' || c == ',') && stop+1 < len(s) && isDigit(s[stop+1])
}
