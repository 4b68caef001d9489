package metrics

import (
	"io/fs"
	"path/filepath"
	"sync"
	"time"
)

// DirSize reports the bytes a directory tree takes on disk (the store's
// database, its WAL and the segment blob files). Walking is cheap for the
// few dozen files a data directory holds, but scrapes can be frequent, so
// the result is cached for a few seconds.
type DirSize struct {
	Dir string
	TTL time.Duration // 5 s if zero

	mu   sync.Mutex
	at   time.Time
	last float64
}

// Bytes returns the total size of the regular files under Dir (the last
// figure within TTL). Files that vanish mid-walk (retention) are skipped.
func (d *DirSize) Bytes() float64 {
	ttl := d.TTL
	if ttl == 0 {
		ttl = 5 * time.Second
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.at.IsZero() && time.Since(d.at) < ttl {
		return d.last
	}
	var total int64
	filepath.WalkDir(d.Dir, func(_ string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return nil
		}
		if info, err := e.Info(); err == nil {
			total += info.Size()
		}
		return nil
	})
	d.at, d.last = time.Now(), float64(total)
	return d.last
}
