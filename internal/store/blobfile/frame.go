package blobfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// On-disk layout (docs/format/segment.md):
//
//	file   = fileHeader frame*
//	fileHeader = "RPRSBLB1"                      (8 bytes)
//	frame  = length uint32 LE | crc uint32 LE | payload[length]
//
// crc is CRC-32C (Castagnoli) of the payload. A BlobRef's Offset points at the
// payload, so a reader can check the frame header just before it.
const (
	fileMagic       = "RPRSBLB1"
	fileHeaderSize  = int64(len(fileMagic))
	frameHeaderSize = 8
	// MaxRecordSize bounds one payload so a corrupt length cannot make a
	// reader allocate gigabytes.
	MaxRecordSize = 1 << 30
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt marks a frame that fails its checks.
var errCorrupt = errors.New("corrupt frame")

// appendFrame appends the frame for payload to buf.
func appendFrame(buf, payload []byte) []byte {
	var h [frameHeaderSize]byte
	binary.LittleEndian.PutUint32(h[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(h[4:8], crc32.Checksum(payload, castagnoli))
	buf = append(buf, h[:]...)
	return append(buf, payload...)
}

// readFrameAt reads and checks the frame whose header starts at off. It
// returns the payload and the offset just past the frame. limit is the size
// of the readable data: a frame reaching past it is torn.
func readFrameAt(r io.ReaderAt, off, limit int64) ([]byte, int64, error) {
	if off+frameHeaderSize > limit {
		return nil, off, fmt.Errorf("frame header at %d: %w: truncated", off, errCorrupt)
	}
	var h [frameHeaderSize]byte
	if _, err := r.ReadAt(h[:], off); err != nil {
		return nil, off, fmt.Errorf("frame header at %d: %w", off, err)
	}
	n := int64(binary.LittleEndian.Uint32(h[0:4]))
	sum := binary.LittleEndian.Uint32(h[4:8])
	if n > MaxRecordSize || off+frameHeaderSize+n > limit {
		return nil, off, fmt.Errorf("frame at %d: %w: length %d past end", off, errCorrupt, n)
	}
	payload := make([]byte, n)
	if _, err := r.ReadAt(payload, off+frameHeaderSize); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		return nil, off, fmt.Errorf("frame payload at %d: %w", off, err)
	}
	if crc32.Checksum(payload, castagnoli) != sum {
		return nil, off, fmt.Errorf("frame at %d: %w: checksum mismatch", off, errCorrupt)
	}
	return payload, off + frameHeaderSize + n, nil
}

// scanFrames walks the frames of a blob file of the given size and returns
// the end of the last intact frame: everything past it is a torn or corrupt
// tail. It fails only when the file header itself is wrong or unreadable.
func scanFrames(r io.ReaderAt, size int64) (validEnd int64, count int, err error) {
	if size < fileHeaderSize {
		// A file created but torn before its header was written holds no
		// frame; the caller rewrites the header.
		return 0, 0, nil
	}
	var magic [fileHeaderSize]byte
	if _, err := r.ReadAt(magic[:], 0); err != nil {
		return 0, 0, fmt.Errorf("read file header: %w", err)
	}
	if string(magic[:]) != fileMagic {
		return 0, 0, fmt.Errorf("file header %q: %w: not a reprise blob file", magic[:], errCorrupt)
	}
	off := fileHeaderSize
	for off < size {
		_, next, err := readFrameAt(r, off, size)
		if err != nil {
			if errors.Is(err, errCorrupt) {
				return off, count, nil
			}
			return off, count, err
		}
		off = next
		count++
	}
	return off, count, nil
}
