package auth

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/reprise-rum/reprise/internal/respond"
)

// Intake wraps an intake handler. With no apps configured it lets every
// request through (any application id is accepted, as Datakit does). With
// apps, a request must carry a known client token, and a browser request must
// come from one of that app's allowed origins; otherwise 403. The app's id
// goes into the request's context for ingest to check each event against
// (IntakeApp).
//
// Client tokens are public (they are in every page's source), as in every RUM
// SDK: they say which app data claims to be for and let the origin check
// keep other sites from posting with them; they are not a secret.
func (a *Auth) Intake(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(a.apps) == 0 || r.Method == http.MethodOptions {
			// Preflights carry no credentials by design; the POST that
			// follows is checked.
			next.ServeHTTP(w, r)
			return
		}
		tok := ClientToken(r)
		if tok == "" {
			respond.Error(w, r, a.log, http.StatusForbidden, "missing client token: send the application's client_token (query parameter, or dd-api-key for the Datadog SDK)")
			return
		}
		app, ok := a.appByToken(tok)
		if !ok {
			respond.Error(w, r, a.log, http.StatusForbidden, "unknown client token: no configured application has it")
			return
		}
		if origin := requestOrigin(r); origin != "" && !originAllowed(app.AllowedOrigins, origin) {
			respond.Error(w, r, a.log, http.StatusForbidden, fmt.Sprintf("origin %q is not in the allowed_origins of application %q", origin, app.ID))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), intakeAppKey{}, app.ID)))
	})
}

type intakeAppKey struct{}

// IntakeApp returns the application a request's client token belongs to,
// when apps are configured; ingest rejects events of any other application.
func IntakeApp(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(intakeAppKey{}).(string)
	return id, ok
}

// CheckIntakeApp is what ingest calls for each event or segment: nil when
// apps are not configured or appID is the token's application.
func CheckIntakeApp(ctx context.Context, appID string) error {
	want, ok := IntakeApp(ctx)
	if !ok || appID == want {
		return nil
	}
	return fmt.Errorf("application.id %q does not match the client token's application", appID)
}

// ClientToken finds the client token where the SDKs put it: Reprise's SDK
// in ?client_token=, Datadog's in ?dd-api-key= (inside ?ddforward= when it
// uses a string proxy) or the DD-API-KEY header, scripts in
// X-Reprise-Client-Token.
func ClientToken(r *http.Request) string {
	q := r.URL.Query()
	for _, k := range []string{"client_token", "dd-api-key"} {
		if v := q.Get(k); v != "" {
			return v
		}
	}
	if fwd := q.Get("ddforward"); fwd != "" {
		if u, err := url.Parse(fwd); err == nil {
			if v := u.Query().Get("dd-api-key"); v != "" {
				return v
			}
		}
	}
	for _, h := range []string{"X-Reprise-Client-Token", "DD-API-KEY"} {
		if v := r.Header.Get(h); v != "" {
			return v
		}
	}
	return ""
}

func (a *Auth) appByToken(tok string) (App, bool) {
	var found App
	ok := false
	for _, app := range a.apps {
		// Constant time per app; the loop always visits every app.
		if subtle.ConstantTimeCompare([]byte(tok), []byte(app.ClientToken)) == 1 {
			found, ok = app, true
		}
	}
	return found, ok
}

// requestOrigin is the Origin header, else the origin of the Referer (some
// beacons carry only that), else "" (not a browser: curl, a server-side
// sender; the token alone decides, as the origin could be forged anyway).
func requestOrigin(r *http.Request) string {
	if o := r.Header.Get("Origin"); o != "" {
		return o
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		if u, err := url.Parse(ref); err == nil && u.Scheme != "" && u.Host != "" {
			return u.Scheme + "://" + u.Host
		}
	}
	return ""
}

// originAllowed matches an origin against allowed_origins: exact
// (case-insensitive), "*", or "scheme://*.domain" for any subdomain.
// "null" (sandboxed frames, file://) matches only an explicit "null".
func originAllowed(allowed []string, origin string) bool {
	if len(allowed) == 0 {
		return true
	}
	origin = strings.ToLower(strings.TrimSuffix(origin, "/"))
	for _, p := range allowed {
		p = strings.ToLower(strings.TrimSuffix(p, "/"))
		switch {
		case p == "*" && origin != "null":
			return true
		case p == origin:
			return true
		case strings.Contains(p, "://*."):
			scheme, rest, _ := strings.Cut(p, "://*.")
			oscheme, ohost, ok := strings.Cut(origin, "://")
			if ok && oscheme == scheme && strings.HasSuffix(ohost, "."+rest) {
				return true
			}
		}
	}
	return false
}

// checkOriginPattern refuses allowed_origins entries that could never match
// a browser's Origin header (a path, a missing scheme), so a typo does not
// silently lock an app out.
func checkOriginPattern(p string) error {
	if p == "*" || p == "null" {
		return nil
	}
	scheme, host, ok := strings.Cut(p, "://")
	if !ok || (scheme != "http" && scheme != "https") || host == "" || strings.ContainsAny(strings.TrimSuffix(host, "/"), "/?#@ ") {
		return fmt.Errorf("%q: want scheme://host[:port], https://*.domain, * or null", p)
	}
	if strings.Contains(host, "*") && (!strings.HasPrefix(host, "*.") || strings.Count(host, "*") > 1) {
		return fmt.Errorf("%q: a wildcard may only be the first label (https://*.example.com)", p)
	}
	return nil
}
