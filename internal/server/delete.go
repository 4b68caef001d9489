package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/reprise-rum/reprise/internal/config"
	"github.com/reprise-rum/reprise/internal/store/sqlite"
)

// DeleteSessions erases sessions from the data directory (`reprise delete
// --session ID`), for erasure requests: each session's events and replay
// segments leave the index, then blob files left without a live segment are
// dropped. Like `reprise gc`, run it while `serve` is stopped; a running
// server does the same on DELETE /api/v1/sessions/{id}. It stops at the first
// error; an unknown id wraps store.ErrNotFound.
func DeleteSessions(ctx context.Context, cfg config.Config, ids []string) error {
	if len(ids) == 0 {
		return errors.New("no session id given")
	}
	st, release, err := openOffline(ctx, cfg)
	if err != nil {
		return err
	}
	defer release()
	for _, id := range ids {
		if err = st.Delete(ctx, id); err != nil {
			err = fmt.Errorf("session %s: %w", id, err)
			break
		}
	}
	if err == nil {
		// A cutoff of 0 removes no session; it drops the blob files that now
		// hold only deleted segments.
		if _, err = st.DeleteBefore(ctx, 0); err != nil {
			err = fmt.Errorf("drop blob files: %w", err)
		}
	}
	if cerr := st.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close store: %w", cerr)
	}
	return err
}

// openOffline opens the store for a one-shot command (gc, delete) under the
// data directory's lock, so it cannot run beside a live `serve` and cut its
// blob frames. release drops the lock; close the store before calling it.
func openOffline(ctx context.Context, cfg config.Config) (st *sqlite.Store, release func(), err error) {
	unlock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return nil, nil, err
	}
	st, err = sqlite.Open(ctx, cfg.DataDir, sqlite.Options{})
	if err != nil {
		unlock()
		return nil, nil, fmt.Errorf("open store in %s: %w", cfg.DataDir, err)
	}
	return st, unlock, nil
}
