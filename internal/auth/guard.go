package auth

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/reprise-rum/reprise/internal/respond"
)

// ShareCookie lets a share-link viewer's player read that one session's API.
// Its Path is the session's API prefix, so the browser sends it nowhere else.
const ShareCookie = "reprise_share"

// apiCSP is sent with every protected non-page response: JSON is never a
// document to render or frame. Pages replace it with their own policy.
const apiCSP = "default-src 'none'; frame-ancestors 'none'; sandbox"

// Guard lets a request through to next only if public(r) says so or the
// request is authenticated: an API token (Authorization: Bearer), a login
// session cookie (plus a CSRF token on state-changing methods), or a share
// cookie for reading one session's replay. Everything else is refused, so a
// route added later is private unless it is listed public.
func (a *Auth) Guard(next http.Handler, public func(*http.Request) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if public(r) {
			if tok, ok := a.session(r); ok {
				r = r.WithContext(withIdentity(r.Context(), Identity{Kind: "session", CSRF: a.csrfFor(tok)}))
			}
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("Content-Security-Policy", apiCSP)
		}
		// Only the Bearer scheme is ours: a reverse proxy doing Basic auth in
		// front of Reprise passes its own Authorization header along.
		if tok, ok := bearerToken(r); ok {
			if !a.CheckAPIToken(tok) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="reprise", error="invalid_token"`)
				respond.Error(w, r, a.log, http.StatusUnauthorized, "invalid API token")
				return
			}
			next.ServeHTTP(w, r.WithContext(withIdentity(r.Context(), Identity{Kind: "token"})))
			return
		}
		if tok, ok := a.session(r); ok {
			if !safeMethod(r.Method) && !a.checkCSRF(r, tok) {
				respond.Error(w, r, a.log, http.StatusForbidden, "missing or wrong CSRF token: reload the page and try again")
				return
			}
			next.ServeHTTP(w, r.WithContext(withIdentity(r.Context(), Identity{Kind: "session", CSRF: a.csrfFor(tok)})))
			return
		}
		if sid, ok := shareReadPath(r); ok && a.shareCookieAllows(r, sid) {
			next.ServeHTTP(w, r.WithContext(withIdentity(r.Context(), Identity{Kind: "share", ShareSession: sid})))
			return
		}
		a.refuse(w, r)
	})
}

// refuse sends people to the login page and tells scripts what to send.
func (a *Auth) refuse(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/api/") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="reprise"`)
	respond.Error(w, r, a.log, http.StatusUnauthorized, "login required: sign in at /login, or send Authorization: Bearer <api token>")
}

// bearerToken returns the token of "Authorization: Bearer <token>" (the
// scheme is case-insensitive, RFC 9110).
func bearerToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// shareReadPath matches the reads a share viewer's player makes:
// GET /api/v1/sessions/{id}, …/events, …/segments, …/replay. It splits the
// escaped path as http.ServeMux does, so "%2F" inside an id cannot make the
// guard and the route table see different sessions.
func shareReadPath(r *http.Request) (string, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", false
	}
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/api/v1/sessions/")
	if !ok {
		return "", false
	}
	seg, tail, _ := strings.Cut(rest, "/")
	switch tail {
	case "", "events", "segments", "replay":
	default:
		return "", false
	}
	id, err := url.PathUnescape(seg)
	if err != nil || id == "" {
		return "", false
	}
	return id, true
}

// shareCookieAllows reports whether one of the request's share cookies is a
// working link to session sid. It is checked on every request, so revoking
// or expiry takes effect at once.
func (a *Auth) shareCookieAllows(r *http.Request, sid string) bool {
	for _, c := range r.Cookies() {
		if c.Name != ShareCookie {
			continue
		}
		if sh, err := a.ResolveShare(c.Value); err == nil && sh.SessionID == sid {
			return true
		}
	}
	return false
}

// SetShareCookie is called by the share page once it has checked the token:
// the player on that page then reads the session's API with it.
func SetShareCookie(w http.ResponseWriter, r *http.Request, sh Share, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: ShareCookie, Value: token,
		Path:    "/api/v1/sessions/" + url.PathEscape(sh.SessionID),
		Expires: sh.Expires, HttpOnly: true, Secure: IsHTTPS(r),
		// The page sets it and its own scripts use it: no other site's
		// request needs to carry it.
		SameSite: http.SameSiteStrictMode,
	})
}
