package auth

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Login rate limits: a client may fail loginFailuresPerIP times within
// loginWindow, and all clients together loginFailuresGlobal times, before
// further attempts are refused until the window moves on. bcrypt already
// makes each guess cost 250 ms; this stops a patient script too.
const (
	loginWindow         = 10 * time.Minute
	loginFailuresPerIP  = 10
	loginFailuresGlobal = 100
	maxTrackedClients   = 10000
)

type loginLimiter struct {
	now    func() time.Time
	mu     sync.Mutex
	byIP   map[string][]time.Time // failure times within the window
	global []time.Time
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, byIP: map[string][]time.Time{}}
}

// clientKey is the remote IP. X-Forwarded-For is not trusted: anyone could
// send a new one with every guess.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func recent(ts []time.Time, since time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(since) {
		i++
	}
	return ts[i:]
}

// allow reports whether key may try to log in now, and if not, how long
// until it may.
func (l *loginLimiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	since := now.Add(-loginWindow)
	l.global = recent(l.global, since)
	f := recent(l.byIP[key], since)
	if len(f) == 0 {
		delete(l.byIP, key)
	} else {
		l.byIP[key] = f
	}
	switch {
	case len(f) >= loginFailuresPerIP:
		return false, f[0].Add(loginWindow).Sub(now)
	case len(l.global) >= loginFailuresGlobal:
		return false, l.global[0].Add(loginWindow).Sub(now)
	}
	return true, 0
}

func (l *loginLimiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.byIP) >= maxTrackedClients {
		// Bounded memory: forget clients whose failures have aged out.
		since := now.Add(-loginWindow)
		for k, ts := range l.byIP {
			if len(recent(ts, since)) == 0 {
				delete(l.byIP, k)
			}
		}
	}
	l.byIP[key] = append(l.byIP[key], now)
	l.global = append(l.global, now)
}

func (l *loginLimiter) succeed(key string) {
	l.mu.Lock()
	delete(l.byIP, key)
	l.mu.Unlock()
}

// LoginResult is what a login attempt came to.
type LoginResult int

const (
	LoginOK LoginResult = iota
	LoginWrongPassword
	LoginRateLimited
	LoginFailed // could not store the session
)

// AttemptLogin checks the password under the rate limit and, when right,
// starts a session. retryAfter is set when rate limited.
func (a *Auth) AttemptLogin(w http.ResponseWriter, r *http.Request, password string) (res LoginResult, retryAfter time.Duration, err error) {
	key := clientKey(r)
	if ok, wait := a.limiter.allow(key); !ok {
		return LoginRateLimited, wait, nil
	}
	if !a.CheckPassword(password) {
		a.limiter.fail(key)
		return LoginWrongPassword, 0, nil
	}
	a.limiter.succeed(key)
	if err := a.Login(w, r); err != nil {
		return LoginFailed, 0, err
	}
	return LoginOK, 0, nil
}
