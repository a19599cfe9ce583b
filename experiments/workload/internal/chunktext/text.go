// Package chunktext is a mutable text stored as a list of small chunks, so
// that the load generator can apply thousands of remote edits per second to
// hundreds of local document copies without copying whole documents.
package chunktext

import "bytes"

const (
	maxChunk = 4096 // capacity of a chunk
	fill     = 2048 // initial fill of a chunk
)

// Text is a chunked byte string. Not safe for concurrent use.
type Text struct {
	chunks [][]byte
	n      int
}

// New returns a Text holding s.
func New(s string) *Text {
	t := &Text{n: len(s)}
	t.chunks = appendChunks(nil, s)
	return t
}

func appendChunks(dst [][]byte, s string) [][]byte {
	for len(s) > 0 {
		k := min(fill, len(s))
		c := make([]byte, k, maxChunk)
		copy(c, s[:k])
		dst = append(dst, c)
		s = s[k:]
	}
	return dst
}

// Len returns the length in bytes.
func (t *Text) Len() int { return t.n }

// Insert inserts s at byte position pos (0 <= pos <= Len()).
func (t *Text) Insert(pos int, s string) {
	if s == "" {
		return
	}
	if pos < 0 || pos > t.n {
		panic("chunktext: insert position out of range")
	}
	t.n += len(s)
	if len(t.chunks) == 0 {
		t.chunks = appendChunks(nil, s)
		return
	}
	// Find the chunk containing pos; a position on a boundary goes to the end
	// of the earlier chunk.
	i := 0
	for ; i < len(t.chunks)-1 && pos > len(t.chunks[i]); i++ {
		pos -= len(t.chunks[i])
	}
	c := t.chunks[i]
	if len(c)+len(s) <= cap(c) {
		c = c[:len(c)+len(s)]
		copy(c[pos+len(s):], c[pos:])
		copy(c[pos:], s)
		t.chunks[i] = c
		return
	}
	// Slow path: re-chunk this chunk together with the insert.
	merged := make([]byte, 0, len(c)+len(s))
	merged = append(merged, c[:pos]...)
	merged = append(merged, s...)
	merged = append(merged, c[pos:]...)
	repl := appendChunks(nil, string(merged))
	out := make([][]byte, 0, len(t.chunks)+len(repl))
	out = append(out, t.chunks[:i]...)
	out = append(out, repl...)
	out = append(out, t.chunks[i+1:]...)
	t.chunks = out
}

// Delete removes n bytes starting at pos.
func (t *Text) Delete(pos, n int) {
	if n <= 0 {
		return
	}
	if pos < 0 || pos+n > t.n {
		panic("chunktext: delete range out of range")
	}
	t.n -= n
	i := 0
	for pos >= len(t.chunks[i]) {
		pos -= len(t.chunks[i])
		i++
	}
	for n > 0 {
		c := t.chunks[i]
		k := min(n, len(c)-pos)
		copy(c[pos:], c[pos+k:])
		c = c[:len(c)-k]
		n -= k
		if len(c) == 0 {
			t.chunks = append(t.chunks[:i], t.chunks[i+1:]...)
		} else {
			t.chunks[i] = c
			i++
		}
		pos = 0
	}
}

// Equal reports whether the text equals b.
func (t *Text) Equal(b []byte) bool {
	if len(b) != t.n {
		return false
	}
	off := 0
	for _, c := range t.chunks {
		if !bytes.Equal(c, b[off:off+len(c)]) {
			return false
		}
		off += len(c)
	}
	return true
}

// FirstDiff returns the first byte offset where the text and b differ, or -1.
func (t *Text) FirstDiff(b []byte) int {
	s := t.Bytes()
	for i := 0; i < len(s) && i < len(b); i++ {
		if s[i] != b[i] {
			return i
		}
	}
	if len(s) != len(b) {
		return min(len(s), len(b))
	}
	return -1
}

// Bytes returns a copy of the text.
func (t *Text) Bytes() []byte {
	out := make([]byte, 0, t.n)
	for _, c := range t.chunks {
		out = append(out, c...)
	}
	return out
}

// String returns the text as a string.
func (t *Text) String() string { return string(t.Bytes()) }
