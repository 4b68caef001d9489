package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// stateFileName is in the data directory beside the database.
const stateFileName = "auth.json"

func stateFile(dataDir string) string { return filepath.Join(dataDir, stateFileName) }

// state is the persisted part of Auth. Tokens are stored only as SHA-256
// hashes, so a copy of the file does not log anyone in.
type state struct {
	Version      int               `json:"version"`
	Secret       []byte            `json:"secret"` // HMAC key for CSRF and share tokens
	PasswordHash string            `json:"password_hash,omitempty"`
	Sessions     map[string]int64  `json:"sessions,omitempty"` // hex sha256(token) → expiry (unix s)
	Shares       map[string]*Share `json:"shares,omitempty"`   // share id → link
}

func loadState(path string) (state, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return state{Version: 1}, nil
	}
	if err != nil {
		return state{}, fmt.Errorf("auth: read %s: %w", path, err)
	}
	var s state
	if err := json.Unmarshal(b, &s); err != nil {
		return state{}, fmt.Errorf("auth: parse %s: %w (delete it to start over: a new password is generated)", path, err)
	}
	if s.Version != 1 {
		return state{}, fmt.Errorf("auth: %s has version %d, want 1", path, s.Version)
	}
	return s, nil
}

// saveLocked writes the state durably: a temp file, fsync, rename, fsync of
// the directory. The caller holds a.mu (or has not published a yet).
func (a *Auth) saveLocked() error {
	a.pruneLocked()
	b, err := json.MarshalIndent(a.state, "", " ")
	if err != nil {
		return fmt.Errorf("auth: encode state: %w", err)
	}
	dir := filepath.Dir(a.file)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("auth: create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, stateFileName+".tmp*")
	if err != nil {
		return fmt.Errorf("auth: save state: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	// The file holds the signing secret: owner only.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("auth: save state: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("auth: save state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("auth: sync state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("auth: save state: %w", err)
	}
	if err := os.Rename(tmp.Name(), a.file); err != nil {
		return fmt.Errorf("auth: save state: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// pruneLocked drops expired sessions and share links that expired over a
// week ago (kept a while so their page says "expired", not "unknown").
func (a *Auth) pruneLocked() {
	now := a.now().Unix()
	for k, exp := range a.state.Sessions {
		if exp <= now {
			delete(a.state.Sessions, k)
		}
	}
	for id, sh := range a.state.Shares {
		if sh.Expires.Unix()+7*24*3600 <= now {
			delete(a.state.Shares, id)
		}
	}
}
