package blobfile

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"

	"github.com/reprise-rum/reprise/internal/store"
)

// Scrub overwrites the payloads at refs with zeros, for erasure requests:
// a deleted segment's bytes would otherwise stay readable on disk until its
// whole file is dropped (the file's other segments may live much longer).
// Each frame keeps its length and gets the checksum of its zeros, so it stays
// a valid frame and the file's layout is unchanged.
//
// The active file is never written in place: it is rolled first (and the
// next file created at once), because after a crash the last file is
// scanned and cut at its first bad frame, and a scrub torn by the crash would
// cut the live frames after it. In an older file a torn scrub only spoils
// the frame being scrubbed. A ref whose frame header does not match (a
// concurrently dropped or rewritten file) is skipped; a missing file too.
func (s *Store) Scrub(refs []store.BlobRef) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("scrub blobs: %w", store.ErrClosed)
	}
	active := fileName(s.activeNo)
	for _, ref := range refs {
		if ref.File == active && s.active != nil {
			if err := s.rollLocked(); err != nil {
				return fmt.Errorf("scrub blobs: %w", err)
			}
			if err := s.createLocked(); err != nil {
				return fmt.Errorf("scrub blobs: %w", err)
			}
			break
		}
	}
	byFile := map[string][]store.BlobRef{}
	for _, ref := range refs {
		byFile[ref.File] = append(byFile[ref.File], ref)
	}
	for file, rs := range byFile {
		if err := s.scrubFile(file, rs); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) scrubFile(file string, refs []store.BlobRef) error {
	no, err := parseFileName(file)
	if err != nil {
		return fmt.Errorf("scrub blob file %q: %w", file, err)
	}
	f, err := os.OpenFile(s.path(no), os.O_RDWR, 0)
	if os.IsNotExist(err) {
		return nil // dropped already: nothing left to scrub
	}
	if err != nil {
		return fmt.Errorf("scrub blob file %s: %w", file, err)
	}
	defer f.Close()
	for _, ref := range refs {
		start := ref.Offset - frameHeaderSize
		if start < fileHeaderSize || ref.Length < 0 || ref.Length > MaxRecordSize {
			continue
		}
		var h [frameHeaderSize]byte
		if _, err := f.ReadAt(h[:], start); err != nil {
			continue
		}
		if int64(binary.LittleEndian.Uint32(h[0:4])) != ref.Length {
			continue // not the frame the ref describes
		}
		zeros := make([]byte, ref.Length)
		if _, err := f.WriteAt(zeros, ref.Offset); err != nil {
			return fmt.Errorf("scrub %s@%d: %w", file, ref.Offset, err)
		}
		binary.LittleEndian.PutUint32(h[4:8], crc32.Checksum(zeros, castagnoli))
		if _, err := f.WriteAt(h[4:8], start+4); err != nil {
			return fmt.Errorf("scrub %s@%d: %w", file, ref.Offset, err)
		}
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("scrub blob file %s: sync: %w", file, err)
	}
	return nil
}
