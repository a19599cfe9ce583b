package ot

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

func mustApply(t *testing.T, s string, op Op) string {
	t.Helper()
	out, err := ApplyString(s, op)
	if err != nil {
		t.Fatalf("apply %v to %q: %v", op, s, err)
	}
	return out
}

const alphabet = "abcdefghijklmnopqrstuvwxyz ABC\n"

func randString(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// randOp returns a random op (several inserts/deletes) for a doc of length n.
func randOp(r *rand.Rand, n int) Op {
	var o Op
	pos := 0
	for pos < n || r.IntN(3) == 0 {
		switch k := r.IntN(4); {
		case k == 0 && pos < n:
			d := 1 + r.IntN(min(5, n-pos))
			o.Delete(d)
			pos += d
		case k == 1:
			o.Insert(randString(r, 1+r.IntN(4)))
		default:
			if pos < n {
				d := 1 + r.IntN(n-pos)
				o.Retain(d)
				pos += d
			}
		}
		if pos >= n && r.IntN(2) == 0 {
			break
		}
	}
	o.Retain(n - pos)
	return o
}

// randSimpleOp returns a single insert or delete like the load generator's.
func randSimpleOp(r *rand.Rand, n int) Op {
	if n > 0 && r.IntN(3) == 0 {
		p := r.IntN(n)
		k := 1 + r.IntN(min(6, n-p))
		return NewDelete(n, p, k)
	}
	return NewInsert(n, r.IntN(n+1), randString(r, 1+r.IntN(8)))
}

func TestTP1RandomPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 20000; iter++ {
		s := randString(r, r.IntN(30))
		var a, b Op
		if iter%2 == 0 {
			a, b = randOp(r, len(s)), randOp(r, len(s))
		} else {
			a, b = randSimpleOp(r, len(s)), randSimpleOp(r, len(s))
		}
		for _, aFirst := range []bool{true, false} {
			ap, bp, err := Transform(a, b, aFirst)
			if err != nil {
				t.Fatalf("transform: %v", err)
			}
			x := mustApply(t, mustApply(t, s, a), bp)
			y := mustApply(t, mustApply(t, s, b), ap)
			if x != y {
				t.Fatalf("TP1 violated: s=%q a=%v b=%v aFirst=%v: %q != %q", s, a, b, aFirst, x, y)
			}
		}
	}
}

func TestSamePositionInsertTieBreak(t *testing.T) {
	s := "abcdef"
	a := NewInsert(len(s), 3, "XX") // client 1
	b := NewInsert(len(s), 3, "YY") // client 2
	// client 1 < client 2: a goes first.
	ap, bp, err := Transform(a, b, true)
	if err != nil {
		t.Fatal(err)
	}
	x := mustApply(t, mustApply(t, s, a), bp)
	y := mustApply(t, mustApply(t, s, b), ap)
	if x != "abcXXYYdef" || y != x {
		t.Fatalf("got %q / %q", x, y)
	}
	ap, bp, _ = Transform(a, b, false)
	x = mustApply(t, mustApply(t, s, a), bp)
	y = mustApply(t, mustApply(t, s, b), ap)
	if x != "abcYYXXdef" || y != x {
		t.Fatalf("got %q / %q", x, y)
	}
}

func TestInsertInsideConcurrentDelete(t *testing.T) {
	s := "0123456789"
	del := NewDelete(len(s), 2, 6)    // removes 234567
	ins := NewInsert(len(s), 5, "ab") // inside the deleted range
	for _, f := range []bool{true, false} {
		dp, ip, err := Transform(del, ins, f)
		if err != nil {
			t.Fatal(err)
		}
		x := mustApply(t, mustApply(t, s, del), ip)
		y := mustApply(t, mustApply(t, s, ins), dp)
		if x != "01ab89" || x != y {
			t.Fatalf("got %q / %q", x, y)
		}
	}
}

func TestOverlappingDeletes(t *testing.T) {
	s := "0123456789"
	cases := [][4]int{{2, 4, 4, 4}, {2, 6, 3, 2}, {0, 3, 3, 3}, {5, 2, 0, 9}, {1, 3, 1, 3}}
	for _, c := range cases {
		a := NewDelete(len(s), c[0], c[1])
		b := NewDelete(len(s), c[2], c[3])
		ap, bp, err := Transform(a, b, true)
		if err != nil {
			t.Fatal(err)
		}
		x := mustApply(t, mustApply(t, s, a), bp)
		y := mustApply(t, mustApply(t, s, b), ap)
		// expected: remove the union of both ranges
		want := []byte{}
		for i := 0; i < len(s); i++ {
			inA := i >= c[0] && i < c[0]+c[1]
			inB := i >= c[2] && i < c[2]+c[3]
			if !inA && !inB {
				want = append(want, s[i])
			}
		}
		if x != string(want) || y != x {
			t.Fatalf("case %v: got %q / %q want %q", c, x, y, want)
		}
	}
}

// TestJupiterSimulation runs an in-memory server with several clients using
// the same protocol as collab-server / sync-bench (one outstanding op per
// client, server transforms against history after baseVersion) under random
// interleavings, and checks that everyone converges.
func TestJupiterSimulation(t *testing.T) {
	type event struct {
		v      int
		client int
		op     Op
	}
	type request struct {
		client int
		base   int
		op     Op
	}
	type client struct {
		id      int
		text    string
		version int
		pending Op
		hasPend bool
		inbox   []event // server events not yet delivered
	}
	for seed := uint64(0); seed < 200; seed++ {
		r := rand.New(rand.NewPCG(seed, 99))
		server := randString(r, 5+r.IntN(20))
		var history []event
		nc := 2 + r.IntN(4)
		clients := make([]*client, nc)
		for i := range clients {
			clients[i] = &client{id: i + 1, text: server}
		}
		var queue []request // requests in flight to the server (FIFO per network, random pick)
		deliver := func(c *client, e event) {
			if e.v <= c.version {
				return
			}
			if e.v != c.version+1 {
				t.Fatalf("gap")
			}
			if e.client == c.id && c.hasPend {
				c.hasPend = false
				c.pending = nil
				c.version = e.v
				return
			}
			op := e.op
			if c.hasPend {
				sp, pp, err := Transform(op, c.pending, e.client <= c.id)
				if err != nil {
					t.Fatal(err)
				}
				op, c.pending = sp, pp
			}
			c.text = mustApply(t, c.text, op)
			c.version = e.v
		}
		for step := 0; step < 400; step++ {
			switch r.IntN(3) {
			case 0: // a client makes a local edit and sends it
				c := clients[r.IntN(nc)]
				if c.hasPend {
					continue
				}
				op := randSimpleOp(r, len(c.text))
				c.text = mustApply(t, c.text, op)
				c.pending, c.hasPend = op, true
				queue = append(queue, request{client: c.id, base: c.version, op: op})
			case 1: // server processes a request
				if len(queue) == 0 {
					continue
				}
				k := r.IntN(len(queue))
				req := queue[k]
				queue = append(queue[:k], queue[k+1:]...)
				op := req.op
				for _, h := range history[req.base:] {
					var err error
					op, _, err = Transform(op, h.op, req.client < h.client)
					if err != nil {
						t.Fatal(err)
					}
				}
				server = mustApply(t, server, op)
				e := event{v: len(history) + 1, client: req.client, op: op}
				history = append(history, e)
				for _, c := range clients {
					c.inbox = append(c.inbox, e)
				}
			case 2: // deliver some events to a client
				c := clients[r.IntN(nc)]
				n := r.IntN(len(c.inbox) + 1)
				for _, e := range c.inbox[:n] {
					deliver(c, e)
				}
				c.inbox = c.inbox[n:]
			}
		}
		// drain
		for len(queue) > 0 {
			req := queue[0]
			queue = queue[1:]
			op := req.op
			for _, h := range history[req.base:] {
				op, _, _ = Transform(op, h.op, req.client < h.client)
			}
			server = mustApply(t, server, op)
			e := event{v: len(history) + 1, client: req.client, op: op}
			history = append(history, e)
			for _, c := range clients {
				c.inbox = append(c.inbox, e)
			}
		}
		for _, c := range clients {
			for _, e := range c.inbox {
				deliver(c, e)
			}
			if c.text != server || c.version != len(history) || c.hasPend {
				t.Fatalf("seed %d: client %d diverged: %q vs server %q", seed, c.id, c.text, server)
			}
		}
	}
}

func TestTransformIndex(t *testing.T) {
	op := NewInsert(10, 3, "abc")
	if got := TransformIndex(op, 3); got != 6 {
		t.Fatalf("insert at cursor: %d", got)
	}
	if got := TransformIndex(op, 2); got != 2 {
		t.Fatalf("insert after cursor: %d", got)
	}
	del := NewDelete(10, 2, 4)
	for pos, want := range map[int]int{0: 0, 2: 2, 4: 2, 6: 2, 8: 4, 10: 6} {
		if got := TransformIndex(del, pos); got != want {
			t.Fatalf("delete: pos %d -> %d want %d", pos, got, want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 2000; i++ {
		op := randOp(r, r.IntN(50))
		if len(op) > 0 && r.IntN(5) == 0 {
			op = append(op, Comp{S: "q\"uo\\te\n\t\x01é"})
		}
		b, err := json.Marshal(op)
		if err != nil {
			t.Fatal(err)
		}
		var back Op
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if len(back) != len(op) {
			t.Fatalf("%s: len %d vs %d", b, len(back), len(op))
		}
		for k := range op {
			if back[k] != op[k] {
				t.Fatalf("%s: comp %d %v vs %v", b, k, back[k], op[k])
			}
		}
		// and encoding/json agrees on the string encoding
		var generic []any
		if err := json.Unmarshal(b, &generic); err != nil {
			t.Fatalf("not valid JSON: %s", b)
		}
	}
	for _, bad := range []string{`[0]`, `[""]`, `[1,`, `{}`, `[1.5]`, `[1] x`} {
		var o Op
		if err := json.Unmarshal([]byte(bad), &o); err == nil {
			t.Fatalf("accepted %s", bad)
		}
	}
}
