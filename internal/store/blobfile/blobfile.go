// Package blobfile keeps replay segment bytes in append-only files
// (<dir>/seg-000001.blob, …) rolled by size. Each record is framed with its
// length and a CRC-32C so that a tail torn by a crash is found and cut off on
// reopen: nothing half-written is ever served. Retention drops whole files.
// The format is described in docs/format/segment.md.
package blobfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/reprise-rum/reprise/internal/store"
)

var _ store.BlobStore = (*Store)(nil)

// DefaultMaxFileSize is the size at which a blob file is rolled.
const DefaultMaxFileSize = 64 << 20

// Options tune a Store; zero values take the defaults.
type Options struct {
	// MaxFileSize rolls to a new file once the active one would grow past
	// it. A single record larger than this still goes into a file of its own.
	MaxFileSize int64
}

// Store is a directory of append-only blob files. It is safe for concurrent
// use; appends are serialised.
type Store struct {
	dir     string
	maxSize int64

	mu       sync.Mutex
	active   *os.File // nil until the first Append after open, roll or Remove of it
	activeNo int      // number of the active file (or of the newest file on disk)
	size     int64    // bytes in the active file
	dirty    bool     // appended since the last Sync
	closed   bool
}

// Open opens (creating if needed) the blob directory dir. The newest file is
// checked frame by frame and any torn tail is truncated, since records are
// only ever appended to it; older files were synced before they were rolled.
func Open(dir string, opts Options) (*Store, error) {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create blob dir: %w", err)
	}
	s := &Store{dir: dir, maxSize: opts.MaxFileSize}
	nums, err := s.fileNumbers()
	if err != nil {
		return nil, err
	}
	if len(nums) == 0 {
		return s, nil
	}
	last := nums[len(nums)-1]
	s.activeNo = last
	if err := s.openActive(last); err != nil {
		return nil, err
	}
	return s, nil
}

// openActive opens file no for appending, truncating a torn tail.
func (s *Store) openActive(no int) error {
	path := s.path(no)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open blob file %s: %w", filepath.Base(path), err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("stat blob file %s: %w", filepath.Base(path), err)
	}
	end, _, err := scanFrames(f, st.Size())
	if err != nil {
		f.Close()
		return fmt.Errorf("scan blob file %s: %w", filepath.Base(path), err)
	}
	if end == 0 {
		// Header missing or torn: start the file afresh.
		if err := f.Truncate(0); err != nil {
			f.Close()
			return fmt.Errorf("reset blob file %s: %w", filepath.Base(path), err)
		}
		if _, err := f.WriteAt([]byte(fileMagic), 0); err != nil {
			f.Close()
			return fmt.Errorf("write blob file header %s: %w", filepath.Base(path), err)
		}
		end = fileHeaderSize
	} else if end < st.Size() {
		if err := f.Truncate(end); err != nil {
			f.Close()
			return fmt.Errorf("truncate torn tail of %s at %d: %w", filepath.Base(path), end, err)
		}
	}
	if end != st.Size() {
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("sync repaired blob file %s: %w", filepath.Base(path), err)
		}
	}
	s.active, s.size = f, end
	return nil
}

// Append writes data as one framed record to the active file. The returned
// ref is durable only once Sync has returned.
func (s *Store) Append(ctx context.Context, data []byte) (store.BlobRef, error) {
	if len(data) > MaxRecordSize {
		return store.BlobRef{}, fmt.Errorf("append blob: record of %d bytes exceeds %d", len(data), MaxRecordSize)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return store.BlobRef{}, fmt.Errorf("append blob: %w", store.ErrClosed)
	}
	frameLen := int64(frameHeaderSize + len(data))
	if s.active != nil && s.size > fileHeaderSize && s.size+frameLen > s.maxSize {
		if err := s.rollLocked(); err != nil {
			return store.BlobRef{}, err
		}
	}
	if s.active == nil {
		if err := s.createLocked(); err != nil {
			return store.BlobRef{}, err
		}
	}
	frame := appendFrame(make([]byte, 0, frameLen), data)
	if _, err := s.active.WriteAt(frame, s.size); err != nil {
		// A partial write leaves a torn frame; cut it so the next
		// append starts on a frame boundary.
		_ = s.active.Truncate(s.size)
		return store.BlobRef{}, fmt.Errorf("append blob to %s: %w", s.active.Name(), err)
	}
	ref := store.BlobRef{File: fileName(s.activeNo), Offset: s.size + frameHeaderSize, Length: int64(len(data))}
	s.size += frameLen
	s.dirty = true
	return ref, nil
}

// rollLocked syncs and closes the active file so the next Append creates a
// new one.
func (s *Store) rollLocked() error {
	// Always sync, not only when dirty: a concurrent Sync may have cleared
	// the flag and then find the file closed under it.
	if err := s.active.Sync(); err != nil {
		return fmt.Errorf("sync blob file before roll %s: %w", s.active.Name(), err)
	}
	s.dirty = false
	if err := s.active.Close(); err != nil {
		return fmt.Errorf("close rolled blob file: %w", err)
	}
	s.active = nil
	return nil
}

// createLocked starts the next numbered file and makes its directory entry
// durable, so a synced record can't vanish with an unsynced directory.
func (s *Store) createLocked() error {
	no := s.activeNo + 1
	path := s.path(no)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("create blob file: %w", err)
	}
	if _, err := f.Write([]byte(fileMagic)); err != nil {
		f.Close()
		return fmt.Errorf("write blob file header %s: %w", filepath.Base(path), err)
	}
	if err := syncDir(s.dir); err != nil {
		f.Close()
		return err
	}
	s.active, s.activeNo, s.size, s.dirty = f, no, fileHeaderSize, true
	return nil
}

// Sync makes every Append so far durable.
func (s *Store) Sync(ctx context.Context) error {
	s.mu.Lock()
	f, dirty := s.active, s.dirty
	s.dirty = false
	s.mu.Unlock()
	if !dirty || f == nil {
		return nil
	}
	// fsync outside the lock: appends for the next batch may proceed.
	if err := f.Sync(); err != nil {
		s.mu.Lock()
		s.dirty = true
		s.mu.Unlock()
		if errors.Is(err, os.ErrClosed) {
			// Rolled (and therefore synced) or closed since we looked.
			return nil
		}
		return fmt.Errorf("sync blob file %s: %w", f.Name(), err)
	}
	return nil
}

// Open returns the bytes at ref after checking the frame around them.
// ErrNotFound if the file is gone.
func (s *Store) Open(ctx context.Context, ref store.BlobRef) (io.ReadCloser, error) {
	data, err := s.Read(ref)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// Read returns the bytes at ref; see Open.
func (s *Store) Read(ref store.BlobRef) ([]byte, error) {
	if _, err := parseFileName(ref.File); err != nil {
		return nil, fmt.Errorf("read blob %s: %w", ref.File, store.ErrNotFound)
	}
	f, err := os.Open(filepath.Join(s.dir, ref.File))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read blob %s: %w", ref.File, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read blob: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", ref.File, err)
	}
	start := ref.Offset - frameHeaderSize
	if start < fileHeaderSize {
		return nil, fmt.Errorf("read blob %s@%d: %w", ref.File, ref.Offset, store.ErrNotFound)
	}
	data, _, err := readFrameAt(f, start, st.Size())
	if err != nil {
		return nil, fmt.Errorf("read blob %s@%d: %w", ref.File, ref.Offset, err)
	}
	if int64(len(data)) != ref.Length {
		return nil, fmt.Errorf("read blob %s@%d: frame holds %d bytes, ref says %d", ref.File, ref.Offset, len(data), ref.Length)
	}
	return data, nil
}

// Files lists the blob files, oldest first.
func (s *Store) Files() ([]string, error) {
	nums, err := s.fileNumbers()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(nums))
	for i, n := range nums {
		names[i] = fileName(n)
	}
	return names, nil
}

// ActiveFile names the file that appends currently go to ("" if none is
// open). Retention must not drop it while it may still receive records.
func (s *Store) ActiveFile() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active == nil {
		return ""
	}
	return fileName(s.activeNo)
}

// Remove deletes a whole blob file (retention). Removing the active file
// closes it first; the next Append starts a new file. Reads of its refs then
// return ErrNotFound.
func (s *Store) Remove(file string) error {
	no, err := parseFileName(file)
	if err != nil {
		return fmt.Errorf("remove blob file %q: %w", file, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active != nil && no == s.activeNo {
		s.active.Close()
		s.active, s.dirty = nil, false
	}
	if err := os.Remove(s.path(no)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove blob file %s: %w", file, store.ErrNotFound)
		}
		return fmt.Errorf("remove blob file %s: %w", file, err)
	}
	return syncDir(s.dir)
}

// Close syncs and closes the active file.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.active == nil {
		return nil
	}
	err := s.active.Sync()
	if cerr := s.active.Close(); err == nil {
		err = cerr
	}
	s.active = nil
	if err != nil {
		return fmt.Errorf("close blob store: %w", err)
	}
	return nil
}

func (s *Store) path(no int) string { return filepath.Join(s.dir, fileName(no)) }

func fileName(no int) string { return fmt.Sprintf("seg-%06d.blob", no) }

func parseFileName(name string) (int, error) {
	if !strings.HasPrefix(name, "seg-") || !strings.HasSuffix(name, ".blob") || strings.ContainsAny(name, `/\`) {
		return 0, fmt.Errorf("not a blob file name: %q", name)
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, "seg-"), ".blob"))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("not a blob file name: %q", name)
	}
	return n, nil
}

// fileNumbers lists the numbers of the blob files in the directory, sorted.
func (s *Store) fileNumbers() ([]int, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("list blob dir: %w", err)
	}
	var nums []int
	for _, e := range entries {
		if n, err := parseFileName(e.Name()); err == nil && e.Type().IsRegular() {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	return nums, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open blob dir for sync: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync blob dir: %w", err)
	}
	return nil
}
