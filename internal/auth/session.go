package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// SessionCookie holds a login. HttpOnly (scripts never see it), SameSite=Lax
// (other sites' forms and fetches do not carry it), Secure over HTTPS.
const SessionCookie = "reprise_session"

// CSRFHeader and CSRFField carry the CSRF token of state-changing requests
// (fetch sets the header, forms the field).
const (
	CSRFHeader = "X-CSRF-Token"
	CSRFField  = "csrf_token"
)

// maxSessions bounds the state file; the oldest logins go first.
const maxSessions = 1000

// Login starts a session for the admin and sets its cookie.
func (a *Auth) Login(w http.ResponseWriter, r *http.Request) error {
	tok := randomToken(32)
	exp := a.now().Add(a.sessionTTL)
	a.mu.Lock()
	if a.state.Sessions == nil {
		a.state.Sessions = map[string]int64{}
	}
	a.state.Sessions[hashToken(tok)] = exp.Unix()
	if len(a.state.Sessions) > maxSessions {
		a.dropOldestSessionLocked()
	}
	err := a.saveLocked()
	a.mu.Unlock()
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: tok, Path: "/", Expires: exp, MaxAge: int(a.sessionTTL.Seconds()),
		HttpOnly: true, Secure: IsHTTPS(r), SameSite: http.SameSiteLaxMode,
	})
	return nil
}

func (a *Auth) dropOldestSessionLocked() {
	oldestKey, oldest := "", int64(0)
	for k, exp := range a.state.Sessions {
		if oldestKey == "" || exp < oldest {
			oldestKey, oldest = k, exp
		}
	}
	delete(a.state.Sessions, oldestKey)
}

// Logout ends the request's session (server side, so a copied cookie stops
// working too) and clears the cookie.
func (a *Auth) Logout(w http.ResponseWriter, r *http.Request) error {
	var err error
	if c, e := r.Cookie(SessionCookie); e == nil {
		a.mu.Lock()
		if _, ok := a.state.Sessions[hashToken(c.Value)]; ok {
			delete(a.state.Sessions, hashToken(c.Value))
			err = a.saveLocked()
		}
		a.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: IsHTTPS(r), SameSite: http.SameSiteLaxMode})
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// session returns the request's valid session token, if any.
func (a *Auth) session(r *http.Request) (string, bool) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return "", false
	}
	a.mu.Lock()
	exp, ok := a.state.Sessions[hashToken(c.Value)]
	a.mu.Unlock()
	if !ok || exp <= a.now().Unix() {
		return "", false
	}
	return c.Value, true
}

// csrfFor derives the session's CSRF token: a keyed hash of the session
// token, so it needs no storage, differs per login, and cannot be computed
// from the outside.
func (a *Auth) csrfFor(sessionToken string) string {
	m := hmac.New(sha256.New, a.state.Secret)
	m.Write([]byte("csrf\x00"))
	m.Write([]byte(sessionToken))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF accepts a state-changing request of a logged-in browser only with
// the session's token in the X-CSRF-Token header or the csrf_token form
// field, and, when the browser says where the request comes from, only from
// our own origin.
func (a *Auth) checkCSRF(r *http.Request, sessionToken string) bool {
	if !OriginIsOurs(r) {
		return false
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" && isForm(r) {
		// Bounded: a login form or logout button is tiny.
		r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
		got = r.PostFormValue(CSRFField)
	}
	want := a.csrfFor(sessionToken)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded")
}

// OriginIsOurs reports whether a request's Origin header, when the browser
// sent a real one, names this server. Only the host is compared, against
// Host or X-Forwarded-Host: behind a TLS-terminating proxy the scheme we see
// is often not the browser's, and the CSRF token is the actual protection;
// this is the second wall.
func OriginIsOurs(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return true
	}
	_, host, ok := strings.Cut(o, "://")
	if !ok {
		return false
	}
	if strings.EqualFold(host, r.Host) {
		return true
	}
	fwd, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Host"), ",")
	fwd = strings.TrimSpace(fwd)
	return fwd != "" && strings.EqualFold(host, fwd)
}

// IsHTTPS reports whether the client reached us over TLS, directly or
// through a proxy that says so.
func IsHTTPS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// Identity says who a request is, as the guard decided.
type Identity struct {
	Kind string // "session", "token" or "share"
	// CSRF is the token pages embed for their state-changing requests
	// (sessions only).
	CSRF string
	// ShareSession is the one session a share viewer may read.
	ShareSession string
}

type ctxKey struct{}

func withIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// FromContext returns the identity the guard attached, if any.
func FromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(ctxKey{}).(Identity)
	return id, ok
}

// CSRFToken returns the CSRF token for pages rendered for a logged-in
// person, else "".
func CSRFToken(ctx context.Context) string {
	id, _ := FromContext(ctx)
	return id.CSRF
}
