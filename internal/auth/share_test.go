package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestShareLifecycle(t *testing.T) {
	a, c := newTestAuth(t, nil)
	sh, tok, err := a.CreateShare("s1", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.ResolveShare(tok)
	if err != nil || got.SessionID != "s1" || got.ID != sh.ID {
		t.Fatalf("ResolveShare(fresh)=%+v, %v", got, err)
	}
	// Survives a restart.
	b, _, err := New(a.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.ResolveShare(tok); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if list := a.Shares("s1"); len(list) != 1 || list[0].Token != tok {
		t.Fatalf("Shares(s1)=%+v", list)
	}
	if list := a.Shares("s2"); len(list) != 0 {
		t.Fatalf("Shares(s2)=%+v", list)
	}
	if err := a.RevokeShare("s2", sh.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoke through another session: %v, want ErrNotFound", err)
	}
	if err := a.RevokeShare("s1", sh.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ResolveShare(tok); !errors.Is(err, ErrShareRevoked) {
		t.Fatalf("revoked: %v", err)
	}
	_, tok2, _ := a.CreateShare("s1", time.Hour)
	c.add(time.Hour)
	if _, err := a.ResolveShare(tok2); !errors.Is(err, ErrShareExpired) {
		t.Fatalf("expired: %v", err)
	}
	if _, _, err := a.CreateShare("s1", MaxShareTTL+time.Second); err == nil {
		t.Fatal("a link longer than MaxShareTTL was created")
	}
}

func TestShareTokenTampering(t *testing.T) {
	a, _ := newTestAuth(t, nil)
	_, tok, _ := a.CreateShare("s1", time.Hour)
	parts := strings.Split(tok, ".")
	flip := func(s string) string {
		b := []byte(s)
		if b[len(b)-1] == 'A' {
			b[len(b)-1] = 'B'
		} else {
			b[len(b)-1] = 'A'
		}
		return string(b)
	}
	for name, bad := range map[string]string{
		"later expiry":    parts[0] + "." + flip(parts[1]) + "." + parts[2],
		"other signature": parts[0] + "." + parts[1] + "." + flip(parts[2]),
		"other id":        flip(parts[0]) + "." + parts[1] + "." + parts[2],
		"two parts":       parts[0] + "." + parts[1],
		"empty":           "",
	} {
		if _, err := a.ResolveShare(bad); !errors.Is(err, ErrShareInvalid) {
			t.Errorf("%s: %v, want ErrShareInvalid", name, err)
		}
	}
	// A token from another installation (another secret) is refused.
	other, _ := newTestAuth(t, nil)
	if _, err := other.ResolveShare(tok); !errors.Is(err, ErrShareInvalid) {
		t.Errorf("foreign token: %v", err)
	}
}
