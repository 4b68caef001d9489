package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Share is a public link to one session's replay. The token in its URL is
// signed (HMAC over id, expiry and session) and the link is stored, so it
// can be listed and revoked before it expires.
type Share struct {
	ID        string    `json:"id"`
	SessionID string    `json:"session_id"`
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"`
	Revoked   bool      `json:"revoked,omitempty"`
}

// Share link lifetimes: a week unless asked, at most 90 days.
const (
	DefaultShareTTL = 7 * 24 * time.Hour
	MaxShareTTL     = 90 * 24 * time.Hour
	MinShareTTL     = time.Second
	maxShares       = 10000
)

// Errors of ResolveShare; the share page answers 403 for all of them.
var (
	ErrShareInvalid = errors.New("share link is not valid")
	ErrShareExpired = errors.New("share link has expired")
	ErrShareRevoked = errors.New("share link was revoked")
)

// ErrNotFound is returned by RevokeShare for an unknown share.
var ErrNotFound = errors.New("not found")

// shareIDLen is the random part of a token (128 bits): guessing one is hopeless
// even before the signature is checked.
const shareIDLen = 16

// CreateShare stores a new public link to sessionID valid for ttl.
func (a *Auth) CreateShare(sessionID string, ttl time.Duration) (Share, string, error) {
	if sessionID == "" {
		return Share{}, "", errors.New("create share: empty session id")
	}
	if ttl < MinShareTTL || ttl > MaxShareTTL {
		return Share{}, "", fmt.Errorf("create share: lifetime %s is outside %s..%s", ttl, MinShareTTL, MaxShareTTL)
	}
	now := a.now()
	sh := &Share{
		ID:        base64.RawURLEncoding.EncodeToString(randomBytes(shareIDLen)),
		SessionID: sessionID,
		Created:   now.UTC().Truncate(time.Second),
		Expires:   now.Add(ttl).UTC().Truncate(time.Second),
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.state.Shares) >= maxShares {
		a.pruneLocked()
		if len(a.state.Shares) >= maxShares {
			return Share{}, "", fmt.Errorf("create share: %d links stored; revoke some first", maxShares)
		}
	}
	if a.state.Shares == nil {
		a.state.Shares = map[string]*Share{}
	}
	a.state.Shares[sh.ID] = sh
	if err := a.saveLocked(); err != nil {
		delete(a.state.Shares, sh.ID)
		return Share{}, "", fmt.Errorf("create share: %w", err)
	}
	return *sh, a.shareToken(sh), nil
}

// Shares lists the links to sessionID, newest first, with their tokens.
func (a *Auth) Shares(sessionID string) []ShareWithToken {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := []ShareWithToken{}
	for _, sh := range a.state.Shares {
		if sh.SessionID == sessionID {
			out = append(out, ShareWithToken{Share: *sh, Token: a.shareToken(sh)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out
}

// ShareWithToken is a stored link and the token of its URL.
type ShareWithToken struct {
	Share
	Token string
}

// RevokeShare makes a link stop working at once. It returns ErrNotFound if
// sessionID has no link id.
func (a *Auth) RevokeShare(sessionID, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	sh, ok := a.state.Shares[id]
	if !ok || sh.SessionID != sessionID {
		return ErrNotFound
	}
	if sh.Revoked {
		return nil
	}
	sh.Revoked = true
	if err := a.saveLocked(); err != nil {
		sh.Revoked = false
		return fmt.Errorf("revoke share %s: %w", id, err)
	}
	return nil
}

// ResolveShare checks a token and returns its link if it still works.
func (a *Auth) ResolveShare(token string) (Share, error) {
	id, exp, mac, err := decodeShareToken(token)
	if err != nil {
		return Share{}, ErrShareInvalid
	}
	a.mu.Lock()
	sh, ok := a.state.Shares[id]
	var cp Share
	var want []byte
	if ok {
		cp = *sh
		want = a.shareMAC(sh.ID, sh.Expires.Unix(), sh.SessionID)
	}
	a.mu.Unlock()
	if !ok || cp.Expires.Unix() != exp || !hmac.Equal(mac, want) {
		return Share{}, ErrShareInvalid
	}
	if cp.Revoked {
		return cp, ErrShareRevoked
	}
	if !a.now().Before(cp.Expires) {
		return cp, ErrShareExpired
	}
	return cp, nil
}

// shareToken is "<id>.<expiry, unix seconds in hex>.<signature>", all URL-safe.
func (a *Auth) shareToken(sh *Share) string {
	exp := sh.Expires.Unix()
	return sh.ID + "." + fmt.Sprintf("%x", exp) + "." +
		base64.RawURLEncoding.EncodeToString(a.shareMAC(sh.ID, exp, sh.SessionID))
}

// shareMAC signs id, expiry and session, so neither can be altered in a URL
// and a copy of the stored ids alone is not a working link.
func (a *Auth) shareMAC(id string, exp int64, sessionID string) []byte {
	m := hmac.New(sha256.New, a.state.Secret)
	var e [8]byte
	binary.BigEndian.PutUint64(e[:], uint64(exp))
	m.Write([]byte("share\x00"))
	m.Write([]byte(id))
	m.Write([]byte{0})
	m.Write(e[:])
	m.Write([]byte(sessionID))
	return m.Sum(nil)[:20]
}

// decodeShareToken parses a token without trusting it.
func decodeShareToken(tok string) (id string, exp int64, mac []byte, err error) {
	if len(tok) > 200 {
		return "", 0, nil, errors.New("token too long")
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", 0, nil, errors.New("token: want three parts")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || len(raw) != shareIDLen {
		return "", 0, nil, errors.New("token: bad id")
	}
	if len(parts[1]) == 0 || len(parts[1]) > 16 {
		return "", 0, nil, errors.New("token: bad expiry")
	}
	var e uint64
	for _, c := range parts[1] {
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		default:
			return "", 0, nil, errors.New("token: bad expiry")
		}
		e = e<<4 | d
	}
	if e > 1<<62 {
		return "", 0, nil, errors.New("token: bad expiry")
	}
	mac, err = base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(mac) != 20 {
		return "", 0, nil, errors.New("token: bad signature")
	}
	// Re-encode the id so that two spellings of one id cannot both pass.
	if base64.RawURLEncoding.EncodeToString(raw) != parts[0] {
		return "", 0, nil, errors.New("token: bad id")
	}
	return parts[0], int64(e), mac, nil
}
