package auth

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestLoginRateLimit(t *testing.T) {
	a, c := newTestAuth(t, nil)
	try := func(ip, pw string) LoginResult {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = ip + ":5555"
		res, _, err := a.AttemptLogin(httptest.NewRecorder(), r, pw)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for i := 0; i < loginFailuresPerIP; i++ {
		if got := try("10.0.0.1", "guess"); got != LoginWrongPassword {
			t.Fatalf("attempt %d: %v, want wrong password", i, got)
		}
	}
	if got := try("10.0.0.1", "correct horse"); got != LoginRateLimited {
		t.Fatalf("after %d failures even the right password: %v, want rate limited", loginFailuresPerIP, got)
	}
	if got := try("10.0.0.2", "correct horse"); got != LoginOK {
		t.Fatalf("another client: %v, want OK", got)
	}
	c.add(loginWindow + time.Second)
	if got := try("10.0.0.1", "correct horse"); got != LoginOK {
		t.Fatalf("after the window: %v, want OK", got)
	}
}

func TestLoginRateLimitGlobal(t *testing.T) {
	a, _ := newTestAuth(t, nil)
	for i := 0; i < loginFailuresGlobal; i++ {
		a.limiter.fail(string(rune('a'+i%26)) + string(rune('a'+i/26)))
	}
	if ok, wait := a.limiter.allow("fresh-client"); ok || wait <= 0 {
		t.Fatalf("after %d failures from many clients: allow=%v wait=%v, want refused", loginFailuresGlobal, ok, wait)
	}
}
