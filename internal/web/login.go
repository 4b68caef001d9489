package web

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/reprise-rum/reprise/internal/auth"
	"github.com/reprise-rum/reprise/internal/store"
)

// AccessConfig is what the login and share pages need.
type AccessConfig struct {
	Auth   *auth.Auth
	Reader store.Reader
	Logger *slog.Logger
}

// accessHandler serves the pages that sit outside the login: the login form,
// the one-time login link, logout and public share links.
type accessHandler struct {
	*handler
	auth *auth.Auth
}

// loginCSRFCookie protects the login form itself (login CSRF: another site
// signing a visitor into this Reprise). Double submit: the form carries the
// same random value as this cookie, which other sites can neither read nor
// set.
const loginCSRFCookie = "reprise_login"

// RegisterAccess adds the access pages to mux. The guard in front of mux
// must let /login, /login/once/ and /share/ through without a session.
func RegisterAccess(mux *http.ServeMux, cfg AccessConfig) error {
	if cfg.Auth == nil || cfg.Reader == nil {
		return errors.New("web: AccessConfig needs Auth and Reader")
	}
	base, err := newHandler(cfg.Reader, cfg.Logger)
	if err != nil {
		return err
	}
	h := &accessHandler{handler: base, auth: cfg.Auth}
	mux.HandleFunc("GET /login", h.loginShow)
	mux.HandleFunc("POST /login", h.loginSubmit)
	mux.HandleFunc("GET /login/once/{token}", h.loginOnce)
	mux.HandleFunc("POST /logout", h.logout)
	mux.HandleFunc("GET /share/{token}", h.shareShow)
	return nil
}

// loginPage is the data of login.html.
type loginPage struct {
	Next  string
	CSRF  string
	Error string
	User  string
}

func (h *accessHandler) loginShow(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if id, ok := auth.FromContext(r.Context()); ok && id.Kind == "session" {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	h.renderLogin(w, r, http.StatusOK, loginPage{Next: next})
}

func (h *accessHandler) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.renderLogin(w, r, http.StatusBadRequest, loginPage{Error: "The form could not be read. Try again."})
		return
	}
	p := loginPage{Next: safeNext(r.PostForm.Get("next"))}
	if !h.loginCSRFOK(r) {
		p.Error = "The sign-in form expired. Try again."
		h.renderLogin(w, r, http.StatusForbidden, p)
		return
	}
	res, wait, err := h.auth.AttemptLogin(w, r, r.PostForm.Get("password"))
	switch res {
	case auth.LoginOK:
		http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Path: "/login", MaxAge: -1})
		http.Redirect(w, r, p.Next, http.StatusSeeOther)
	case auth.LoginRateLimited:
		mins := int(math.Ceil(wait.Minutes()))
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		p.Error = fmt.Sprintf("Too many failed attempts. Try again in %d minute%s.", mins, plural(mins))
		h.renderLogin(w, r, http.StatusTooManyRequests, p)
	case auth.LoginWrongPassword:
		h.log.Warn("login failed: wrong password", "remote", r.RemoteAddr)
		p.Error = "Wrong password."
		h.renderLogin(w, r, http.StatusUnauthorized, p)
	default:
		h.log.Error("login", "err", err)
		p.Error = "The server could not start your session. The error has been logged."
		h.renderLogin(w, r, http.StatusInternalServerError, p)
	}
}

// loginCSRFOK: the form's token equals the login cookie, and the browser,
// when it says, posted from our own origin.
func (h *accessHandler) loginCSRFOK(r *http.Request) bool {
	if !auth.OriginIsOurs(r) {
		return false
	}
	c, err := r.Cookie(loginCSRFCookie)
	got := r.PostForm.Get(auth.CSRFField)
	return err == nil && c.Value != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(got)) == 1
}

// loginOnce serves the one-time link printed in the log at first start.
func (h *accessHandler) loginOnce(w http.ResponseWriter, r *http.Request) {
	if !h.auth.UseOneTimeLogin(r.PathValue("token")) {
		h.render(w, r, http.StatusForbidden, "problem.html", page{Title: "Link used", Data: errorPage{
			Status: 403, Heading: "This login link no longer works",
			Detail: "One-time login links work once, for a day, until the server restarts. Sign in with the admin password instead.",
		}})
		return
	}
	if err := h.auth.Login(w, r); err != nil {
		h.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/explorer/sessions", http.StatusSeeOther)
}

func (h *accessHandler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.auth.Logout(w, r); err != nil {
		h.log.Error("logout", "err", err)
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// renderLogin renders the standalone sign-in page (no navigation: nothing
// behind it is reachable yet) with a fresh login CSRF cookie.
func (h *accessHandler) renderLogin(w http.ResponseWriter, r *http.Request, status int, p loginPage) {
	p.CSRF = randomHex(24)
	p.User = auth.AdminUser
	t, ok := h.pages.byName["login.html"]
	if !ok {
		h.renderError(w, r, errors.New("render: no template login.html"))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "login.html", p); err != nil {
		h.log.Error("render page", "template", "login.html", "err", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: p.CSRF, Path: "/login",
		HttpOnly: true, Secure: auth.IsHTTPS(r), SameSite: http.SameSiteStrictMode})
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Security-Policy", loginCSP)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// loginCSP: the sign-in page may not be framed at all (clickjacking the
// password field), posts only to itself, and needs no script.
const loginCSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// safeNext keeps the after-login redirect on this site: a path, never
// "//other.site" or "/\other.site" (which browsers read as another host).
func safeNext(next string) string {
	const home = "/explorer/sessions"
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n\t") {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/login") {
		return home
	}
	return next
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
