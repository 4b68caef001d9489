// Package retention deletes what is older than the configured age: sessions
// that ended before now-MaxAge go with their events, index rows and segment
// blob files (whole files, once no live segment is left in them), so the disk
// space comes back. The same pass runs as a background job in `reprise serve`
// and on demand as `reprise gc`.
package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/reprise-rum/reprise/internal/store"
)

// Result is what one pass removed.
type Result struct {
	Cutoff   time.Time     // sessions that ended before this were removed
	Sessions int64         // how many
	Took     time.Duration // wall time of the pass
}

// Sweep removes every session that ended more than maxAge before now.
// maxAge must be positive: zero would delete everything.
func Sweep(ctx context.Context, d store.Deleter, maxAge time.Duration, now time.Time) (Result, error) {
	if maxAge <= 0 {
		return Result{}, fmt.Errorf("retention: max age %v is not positive", maxAge)
	}
	start := time.Now()
	cutoff := now.Add(-maxAge)
	n, err := d.DeleteBefore(ctx, cutoff.UnixMilli())
	res := Result{Cutoff: cutoff, Sessions: n, Took: time.Since(start)}
	if err != nil {
		return res, fmt.Errorf("retention: delete sessions ended before %s: %w", cutoff.UTC().Format(time.RFC3339), err)
	}
	return res, nil
}

// Job runs Sweep in the background: once at start, then every Interval.
type Job struct {
	Deleter  store.Deleter
	MaxAge   time.Duration // zero: keep everything (the job does nothing)
	Interval time.Duration // zero: no background job (only `reprise gc`)
	Logger   *slog.Logger
	Now      func() time.Time // time.Now if nil (tests move the clock)
	// OnSweep, if set, sees every pass's outcome (metrics).
	OnSweep func(Result, error)
}

// Enabled says whether Run will do anything.
func (j *Job) Enabled() bool { return j.MaxAge > 0 && j.Interval > 0 && j.Deleter != nil }

// Run sweeps until ctx ends. It returns at once when the job is disabled. A
// failed pass is logged and retried at the next tick: retention falling
// behind for an interval is harmless, stopping for good is not.
func (j *Job) Run(ctx context.Context) {
	if !j.Enabled() {
		return
	}
	log := j.Logger
	if log == nil {
		log = slog.Default()
	}
	now := j.Now
	if now == nil {
		now = time.Now
	}
	t := time.NewTicker(j.Interval)
	defer t.Stop()
	for {
		res, err := Sweep(ctx, j.Deleter, j.MaxAge, now())
		if j.OnSweep != nil {
			j.OnSweep(res, err)
		}
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case errors.Is(err, store.ErrClosed):
			return
		case err != nil:
			log.Error("retention pass failed", "err", err)
		case res.Sessions > 0:
			log.Info("retention removed expired sessions", "sessions", res.Sessions,
				"cutoff", res.Cutoff.UTC().Format(time.RFC3339), "took", res.Took.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
