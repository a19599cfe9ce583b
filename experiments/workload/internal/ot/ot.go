// Package ot implements operational transformation for plain text.
//
// An operation (Op) is a sequence of components that walks the whole base
// document from start to end (the ot.js / Google Wave model):
//
//	retain n  (n > 0)  keep the next n bytes
//	delete n  (n > 0)  remove the next n bytes (stored as Comp{N: -n})
//	insert s           insert s at the current position
//
// The sum of retains and deletes is the base length the op applies to.
// Positions are byte offsets; the collaboration protocol restricts text to
// printable ASCII plus \n and \t so byte and character offsets coincide.
//
// Transform(a, b, aFirst) returns a' and b' with apply(apply(S, a), b') ==
// apply(apply(S, b), a') (TP1). Concurrent inserts at the same position are
// ordered by aFirst (the server derives it from client ids). An insert that
// lies inside a concurrently deleted range survives: the delete is split
// around it, so no typed text is lost.
package ot

import (
	"errors"
	"fmt"
)

// Comp is one component of an operation. Exactly one form is used:
// retain (N > 0, S == ""), delete (N < 0, S == ""; deletes -N bytes) or
// insert (N == 0, S != "").
type Comp struct {
	N int
	S string
}

// IsRetain reports whether c retains bytes.
func (c Comp) IsRetain() bool { return c.N > 0 }

// IsDelete reports whether c deletes bytes.
func (c Comp) IsDelete() bool { return c.N < 0 }

// IsInsert reports whether c inserts text.
func (c Comp) IsInsert() bool { return c.N == 0 && c.S != "" }

// Op is a text operation. The zero value (nil) is the no-op on the empty
// document.
type Op []Comp

// ErrLength is returned when an operation does not fit the document (or the
// other operation) it is applied to / transformed against.
var ErrLength = errors.New("ot: operation base length does not match")

// BaseLen is the length of the document the op applies to.
func (o Op) BaseLen() int {
	n := 0
	for _, c := range o {
		if c.N > 0 {
			n += c.N
		} else if c.N < 0 {
			n -= c.N
		}
	}
	return n
}

// TargetLen is the length of the document after applying the op.
func (o Op) TargetLen() int {
	n := 0
	for _, c := range o {
		if c.N > 0 {
			n += c.N
		} else {
			n += len(c.S)
		}
	}
	return n
}

// IsNoop reports whether the op leaves the document unchanged.
func (o Op) IsNoop() bool {
	for _, c := range o {
		if !c.IsRetain() {
			return false
		}
	}
	return true
}

// Validate checks that every component has exactly one valid form.
func (o Op) Validate() error {
	for i, c := range o {
		if c.N == 0 && c.S == "" {
			return fmt.Errorf("ot: empty component %d", i)
		}
		if c.N != 0 && c.S != "" {
			return fmt.Errorf("ot: component %d is both count and text", i)
		}
	}
	return nil
}

// Retain appends a retain of n bytes (merging with a preceding retain).
func (o *Op) Retain(n int) {
	if n <= 0 {
		return
	}
	ops := *o
	if l := len(ops); l > 0 && ops[l-1].N > 0 {
		ops[l-1].N += n
		return
	}
	*o = append(ops, Comp{N: n})
}

// Insert appends an insert. An insert directly after a delete is placed
// before it (canonical form, as ot.js does); adjacent inserts merge.
func (o *Op) Insert(s string) {
	if s == "" {
		return
	}
	ops := *o
	l := len(ops)
	switch {
	case l > 0 && ops[l-1].IsInsert():
		ops[l-1].S += s
	case l > 0 && ops[l-1].IsDelete():
		if l > 1 && ops[l-2].IsInsert() {
			ops[l-2].S += s
			return
		}
		ops = append(ops, ops[l-1])
		ops[l-1] = Comp{S: s}
		*o = ops
	default:
		*o = append(ops, Comp{S: s})
	}
}

// Delete appends a delete of n bytes (merging with a preceding delete).
func (o *Op) Delete(n int) {
	if n <= 0 {
		return
	}
	ops := *o
	if l := len(ops); l > 0 && ops[l-1].N < 0 {
		ops[l-1].N -= n
		return
	}
	*o = append(ops, Comp{N: -n})
}

// NewInsert returns the op inserting s at pos into a document of length n.
func NewInsert(n, pos int, s string) Op {
	var o Op
	o.Retain(pos)
	o.Insert(s)
	o.Retain(n - pos)
	return o
}

// NewDelete returns the op deleting k bytes at pos from a document of length n.
func NewDelete(n, pos, k int) Op {
	var o Op
	o.Retain(pos)
	o.Delete(k)
	o.Retain(n - pos - k)
	return o
}

// Apply applies op to text and returns a newly allocated result; text is not
// modified.
func Apply(text []byte, op Op) ([]byte, error) {
	if op.BaseLen() != len(text) {
		return nil, ErrLength
	}
	out := make([]byte, 0, op.TargetLen())
	i := 0
	for _, c := range op {
		switch {
		case c.N > 0:
			out = append(out, text[i:i+c.N]...)
			i += c.N
		case c.N < 0:
			i -= c.N
		default:
			out = append(out, c.S...)
		}
	}
	return out, nil
}

// ApplyString is Apply for strings (used by tests).
func ApplyString(text string, op Op) (string, error) {
	b, err := Apply([]byte(text), op)
	return string(b), err
}

// Editor is a mutable text that an op can be applied to in place.
type Editor interface {
	Len() int
	Insert(pos int, s string)
	Delete(pos, n int)
}

// ApplyTo applies op to an in-place editor.
func ApplyTo(ed Editor, op Op) error {
	if op.BaseLen() != ed.Len() {
		return ErrLength
	}
	pos := 0
	for _, c := range op {
		switch {
		case c.N > 0:
			pos += c.N
		case c.N < 0:
			ed.Delete(pos, -c.N)
		default:
			ed.Insert(pos, c.S)
			pos += len(c.S)
		}
	}
	return nil
}

// Transform transforms two concurrent operations a and b (same base
// document). It returns a' (to apply after b) and b' (to apply after a).
// If aFirst, a's inserts go before b's inserts at the same position.
func Transform(a, b Op, aFirst bool) (ap, bp Op, err error) {
	if a.BaseLen() != b.BaseLen() {
		return nil, nil, ErrLength
	}
	if aFirst {
		return transform(a, b)
	}
	bp, ap, err = transform(b, a)
	return ap, bp, err
}

// transform is the ot.js algorithm; a's inserts win ties.
func transform(a, b Op) (ap, bp Op, err error) {
	ap = make(Op, 0, len(a)+2)
	bp = make(Op, 0, len(b)+2)
	i, j := 0, 0
	next := func(op Op, k *int) (Comp, bool) {
		if *k < len(op) {
			c := op[*k]
			*k++
			return c, true
		}
		return Comp{}, false
	}
	ca, okA := next(a, &i)
	cb, okB := next(b, &j)
	for okA || okB {
		if okA && ca.IsInsert() {
			ap.Insert(ca.S)
			bp.Retain(len(ca.S))
			ca, okA = next(a, &i)
			continue
		}
		if okB && cb.IsInsert() {
			ap.Retain(len(cb.S))
			bp.Insert(cb.S)
			cb, okB = next(b, &j)
			continue
		}
		if !okA || !okB {
			return nil, nil, ErrLength
		}
		switch {
		case ca.N > 0 && cb.N > 0:
			m := min(ca.N, cb.N)
			ap.Retain(m)
			bp.Retain(m)
			ca.N -= m
			cb.N -= m
		case ca.N < 0 && cb.N < 0:
			m := min(-ca.N, -cb.N)
			ca.N += m
			cb.N += m
		case ca.N < 0 && cb.N > 0:
			m := min(-ca.N, cb.N)
			ap.Delete(m)
			ca.N += m
			cb.N -= m
		case ca.N > 0 && cb.N < 0:
			m := min(ca.N, -cb.N)
			bp.Delete(m)
			ca.N -= m
			cb.N += m
		default:
			return nil, nil, fmt.Errorf("ot: invalid components %v %v", ca, cb)
		}
		if ca.N == 0 {
			ca, okA = next(a, &i)
		}
		if cb.N == 0 {
			cb, okB = next(b, &j)
		}
	}
	return ap, bp, nil
}

// TransformIndex maps a cursor position in the op's base document to the
// corresponding position after the op (an insert exactly at the cursor
// pushes the cursor right; a deleted range containing it collapses it).
func TransformIndex(op Op, pos int) int {
	newPos := pos
	rem := pos
	for _, c := range op {
		switch {
		case c.N > 0:
			rem -= c.N
		case c.N < 0:
			newPos -= min(rem, -c.N)
			rem += c.N
		default:
			newPos += len(c.S)
		}
		if rem < 0 {
			break
		}
	}
	return newPos
}
