package blobfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/reprise-rum/reprise/internal/store"
)

func openT(t *testing.T, dir string, max int64) *Store {
	t.Helper()
	s, err := Open(dir, Options{MaxFileSize: max})
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return s
}

func readAll(t *testing.T, s *Store, ref store.BlobRef) []byte {
	t.Helper()
	rc, err := s.Open(context.Background(), ref)
	if err != nil {
		t.Fatalf("Open(%+v): %v", ref, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAppendReadReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir, 0)
	var refs []store.BlobRef
	var want [][]byte
	for i := range 100 {
		data := bytes.Repeat([]byte{byte(i)}, i*7)
		ref, err := s.Append(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		refs, want = append(refs, ref), append(want, data)
	}
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for i, ref := range refs {
		if got := readAll(t, s, ref); !bytes.Equal(got, want[i]) {
			t.Fatalf("record %d: got %d bytes, want %d", i, len(got), len(want[i]))
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, dir, 0)
	defer s.Close()
	for i, ref := range refs {
		if got := readAll(t, s, ref); !bytes.Equal(got, want[i]) {
			t.Fatalf("after reopen, record %d differs", i)
		}
	}
	// Appends after reopen continue the same file after the last frame.
	ref, err := s.Append(ctx, []byte("after"))
	if err != nil {
		t.Fatal(err)
	}
	if ref.File != refs[0].File || ref.Offset <= refs[len(refs)-1].Offset {
		t.Fatalf("append after reopen went to %+v, last was %+v", ref, refs[len(refs)-1])
	}
}

func TestRollBySizeAndRemove(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir, 1000)
	defer s.Close()
	var refs []store.BlobRef
	for range 10 {
		ref, err := s.Append(ctx, make([]byte, 300))
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	// 8 + 3*(308) = 932 fits, a fourth frame does not: 3 per file.
	files, err := s.Files()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(files), 4; got != want {
		t.Fatalf("Files()=%v, want %d files", files, want)
	}
	for _, f := range files {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() > 1000 {
			t.Fatalf("%s is %d bytes, over the 1000 limit", f, st.Size())
		}
	}
	// One oversize record gets a file of its own rather than failing.
	big, err := s.Append(ctx, make([]byte, 5000))
	if err != nil {
		t.Fatal(err)
	}
	if big.File == refs[len(refs)-1].File {
		t.Fatalf("oversize record shares file %s", big.File)
	}
	if err := s.Remove(files[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, refs[0]); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Open(removed)=%v, want ErrNotFound", err)
	}
	if got := readAll(t, s, refs[3]); len(got) != 300 {
		t.Fatalf("surviving record: %d bytes", len(got))
	}
	// Removing the active file: the next append starts a new, higher file.
	active := s.ActiveFile()
	if err := s.Remove(active); err != nil {
		t.Fatal(err)
	}
	ref, err := s.Append(ctx, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	if ref.File <= active {
		t.Fatalf("append after removing active %s went to %s", active, ref.File)
	}
	if err := s.Remove("../etc/passwd"); err == nil {
		t.Fatal("Remove accepted a path outside the store")
	}
}

func TestTornTailTruncated(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		tail func(good []byte) []byte
	}{
		{"half header", func([]byte) []byte { return []byte{5, 0} }},
		{"header without payload", func([]byte) []byte { return []byte{100, 0, 0, 0, 1, 2, 3, 4, 'a'} }},
		{"bad checksum", func([]byte) []byte { return appendFrame(nil, []byte("torn"))[:8+2] }},
		{"flipped byte", func([]byte) []byte {
			f := appendFrame(nil, []byte("flipped"))
			f[len(f)-1] ^= 0xff
			return f
		}},
		{"huge length", func([]byte) []byte { return []byte{0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openT(t, dir, 0)
			r1, _ := s.Append(ctx, []byte("first"))
			r2, _ := s.Append(ctx, []byte("second"))
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, r1.File)
			good, _ := os.ReadFile(path)
			f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			f.Write(tc.tail(good))
			f.Close()

			s = openT(t, dir, 0)
			defer s.Close()
			st, _ := os.Stat(path)
			if got, want := st.Size(), int64(len(good)); got != want {
				t.Fatalf("size after reopen=%d, want %d (torn tail cut)", got, want)
			}
			if got := readAll(t, s, r2); string(got) != "second" {
				t.Fatalf("second record=%q", got)
			}
			r3, err := s.Append(ctx, []byte("third"))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := r3.Offset, int64(len(good))+frameHeaderSize; got != want {
				t.Fatalf("third record at %d, want %d", got, want)
			}
			if got := readAll(t, s, r3); string(got) != "third" {
				t.Fatalf("third record=%q", got)
			}
		})
	}
}

func TestTornHeaderFile(t *testing.T) {
	dir := t.TempDir()
	// A crash right after creating the file, before the header was written.
	if err := os.WriteFile(filepath.Join(dir, "seg-000001.blob"), []byte("RPR"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := openT(t, dir, 0)
	defer s.Close()
	ref, err := s.Append(context.Background(), []byte("ok"))
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, s, ref); string(got) != "ok" {
		t.Fatalf("got %q", got)
	}
}

func TestCorruptRecordNotServed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir, 0)
	defer s.Close()
	ref, _ := s.Append(ctx, []byte("payload"))
	s.Sync(ctx)
	f, _ := os.OpenFile(filepath.Join(dir, ref.File), os.O_RDWR, 0)
	f.WriteAt([]byte("X"), ref.Offset+1)
	f.Close()
	if _, err := s.Open(ctx, ref); err == nil {
		t.Fatal("Open served a record whose checksum does not match")
	}
	if _, err := s.Open(ctx, store.BlobRef{File: ref.File, Offset: ref.Offset, Length: 3}); err == nil {
		t.Fatal("Open accepted a ref whose length disagrees with the frame")
	}
}

func TestNotABlobFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "seg-000001.blob"), []byte("something else entirely"), 0o644)
	if _, err := Open(dir, Options{}); err == nil {
		t.Fatal("Open accepted a file with a foreign header")
	}
}

// FuzzScanFrames feeds arbitrary bytes after a valid file header: the scan
// must never fail or read past the end, and every frame it accepts must pass
// its checksum when read back.
func FuzzScanFrames(f *testing.F) {
	f.Add([]byte{})
	f.Add(appendFrame(nil, []byte("hello")))
	f.Add(append(appendFrame(nil, []byte("a")), appendFrame(nil, []byte("bc"))...))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Add(appendFrame(nil, nil))
	f.Fuzz(func(t *testing.T, tail []byte) {
		data := append([]byte(fileMagic), tail...)
		r := bytes.NewReader(data)
		end, n, err := scanFrames(r, int64(len(data)))
		if err != nil {
			t.Fatalf("scanFrames: %v", err)
		}
		if end < fileHeaderSize || end > int64(len(data)) {
			t.Fatalf("end=%d outside [%d,%d]", end, fileHeaderSize, len(data))
		}
		// Walking the accepted prefix again finds the same frames.
		off, count := fileHeaderSize, 0
		for off < end {
			_, next, err := readFrameAt(r, off, end)
			if err != nil {
				t.Fatalf("frame at %d inside accepted prefix: %v", off, err)
			}
			off, count = next, count+1
		}
		if off != end || count != n {
			t.Fatalf("rescan: end %d count %d, scan said %d %d", off, count, end, n)
		}
	})
}

func ExampleStore() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "blobs")
	defer os.RemoveAll(dir)

	s, _ := Open(dir, Options{MaxFileSize: 64 << 20})
	ref, _ := s.Append(ctx, []byte(`compressed segment bytes`))
	_ = s.Sync(ctx) // the ref is durable from here on
	fmt.Printf("%s offset=%d length=%d\n", ref.File, ref.Offset, ref.Length)

	rc, _ := s.Open(ctx, ref)
	b, _ := io.ReadAll(rc)
	fmt.Println(string(b))
	s.Close()

	// On disk: 8-byte file header, then length|crc32c|payload per record.
	raw, _ := os.ReadFile(filepath.Join(dir, ref.File))
	fmt.Printf("%q % x\n", raw[:8], raw[8:16])
	// Output:
	// seg-000001.blob offset=16 length=24
	// compressed segment bytes
	// "RPRSBLB1" 18 00 00 00 64 3e 2f 97
}
