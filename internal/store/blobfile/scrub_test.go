package blobfile

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/reprise-rum/reprise/internal/store"
)

func TestScrub(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	payloads := [][]byte{[]byte("keep-one"), []byte("ERASE-ME-Okapi-9173"), []byte("keep-three")}
	var refs []store.BlobRef
	for _, p := range payloads {
		ref, err := s.Append(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// The middle frame is in the active file: Scrub rolls it first.
	if err := s.Scrub([]store.BlobRef{refs[1]}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Read(refs[1])
	if err != nil || !bytes.Equal(got, make([]byte, len(payloads[1]))) {
		t.Fatalf("scrubbed frame reads %q, %v; want zeros", got, err)
	}
	for _, i := range []int{0, 2} {
		if got, err := s.Read(refs[i]); err != nil || !bytes.Equal(got, payloads[i]) {
			t.Fatalf("frame %d reads %q, %v", i, got, err)
		}
	}
	// New appends go to a new file; the scrubbed one is no longer last.
	ref, err := s.Append(ctx, []byte("after"))
	if err != nil || ref.File == refs[0].File {
		t.Fatalf("append after scrub went to %s (%v), want a new file", ref.File, err)
	}
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, refs[1].File))
	if bytes.Contains(raw, []byte("Okapi")) {
		t.Fatal("scrubbed bytes still in the file")
	}
	// Scrubbing an unknown ref, a wrong length or a missing file is harmless.
	if err := s.Scrub([]store.BlobRef{{File: refs[0].File, Offset: refs[0].Offset, Length: 3}, {File: "seg-009999.blob", Offset: 16, Length: 1}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Read(refs[0]); !bytes.Equal(got, payloads[0]) {
		t.Fatalf("mismatched ref scrubbed a live frame: %q", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopened, every frame is intact (the scrubbed one as zeros).
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, r := range append(refs, ref) {
		if _, err := s.Read(r); err != nil {
			t.Fatalf("after reopen, frame %d: %v", i, err)
		}
	}
}
