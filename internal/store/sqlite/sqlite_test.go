package sqlite

import (
	"context"
	"testing"

	"github.com/reprise-rum/reprise/internal/store/storetest"
)

func openTest(t *testing.T, dir string, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, dir string) storetest.Store {
		return openTest(t, dir, Options{})
	})
}

// TestConformanceCappedCount runs the suite with a tiny count cap, so that
// totals are lower bounds and pages sorted by other columns than time walk
// the sort column's index (the plan used on large stores).
func TestConformanceCappedCount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, dir string) storetest.Store {
		return openTest(t, dir, Options{CountCap: 7})
	})
}
