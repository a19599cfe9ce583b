package natsbench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeServer is a minimal NATS server for the tests: INFO, CONNECT, PING,
// PONG, SUB (exact subjects) and PUB, delivered as MSG. Its knobs inject
// the failures nats-bench must count.
type fakeServer struct {
	ln net.Listener

	// Knobs, set before the first connection.
	connectErr  string // answer CONNECT with -ERR and close
	dropEvery   int    // drop every Nth delivery (0 = none)
	errAfterPub int    // send one -ERR to the first publisher after this many PUBs (0 = never)
	closeSubAt  int    // close the first connection that subscribed with sid 0 after this many deliveries to it
	stallAfter  int    // stop reading from publishers after this many PUBs in total (0 = never)

	mu         sync.Mutex
	subs       map[string][]fakeSub
	closeConn  *fakeConn // the closeSubAt target
	conns      []*fakeConn
	pubs       atomic.Int64
	deliveries atomic.Int64
	errSent    atomic.Bool
	release    chan struct{} // closed at cleanup: ends stalls
	wg         sync.WaitGroup
}

type fakeSub struct {
	c   *fakeConn
	sid string
}

type fakeConn struct {
	nc        net.Conn
	wmu       sync.Mutex
	w         *bufio.Writer
	delivered int
	dead      bool
}

func (c *fakeConn) send(b ...[]byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.dead {
		return
	}
	for _, p := range b {
		c.w.Write(p)
	}
	if err := c.w.Flush(); err != nil {
		c.dead = true
	}
}

func newFakeServer(t *testing.T, setup func(*fakeServer)) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeServer{ln: ln, subs: map[string][]fakeSub{}, release: make(chan struct{})}
	if setup != nil {
		setup(s)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			c := &fakeConn{nc: nc, w: bufio.NewWriter(nc)}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.nc.Close()
		}
		s.mu.Unlock()
		close(s.release)
		s.wg.Wait()
	})
	return s
}

func (s *fakeServer) url() string { return "nats://" + s.ln.Addr().String() }

func (s *fakeServer) subscriptions() (n int, perSubject map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	perSubject = map[string]int{}
	for subj, l := range s.subs {
		n += len(l)
		perSubject[subj] = len(l)
	}
	return n, perSubject
}

func (s *fakeServer) serve(c *fakeConn) {
	defer c.nc.Close()
	c.send([]byte(`INFO {"server_id":"FAKE","version":"0.0.0-fake","proto":1,"max_payload":1048576,"headers":false} ` + "\r\n"))
	r := bufio.NewReaderSize(c.nc, 64<<10)
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return
		}
		line = bytes.TrimRight(line, "\r\n")
		f := bytes.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch string(bytes.ToUpper(f[0])) {
		case "CONNECT":
			if s.connectErr != "" {
				c.send([]byte("-ERR '" + s.connectErr + "'\r\n"))
				return
			}
		case "PING":
			c.send([]byte("PONG\r\n"))
		case "PONG":
		case "SUB":
			if len(f) != 3 {
				c.send([]byte("-ERR 'Invalid Subject'\r\n"))
				continue
			}
			s.mu.Lock()
			s.subs[string(f[1])] = append(s.subs[string(f[1])], fakeSub{c, string(f[2])})
			if string(f[2]) == "0" && s.closeConn == nil {
				s.closeConn = c
			}
			s.mu.Unlock()
		case "PUB":
			if len(f) != 3 {
				return
			}
			n, err := strconv.Atoi(string(f[2]))
			if err != nil {
				return
			}
			subject := string(f[1])
			payload := make([]byte, n+2)
			if _, err := io.ReadFull(r, payload); err != nil {
				return
			}
			total := s.pubs.Add(1)
			s.route(subject, payload)
			if s.errAfterPub > 0 && total >= int64(s.errAfterPub) && s.errSent.CompareAndSwap(false, true) {
				c.send([]byte("-ERR 'Permissions Violation for Publish to " + subject + "'\r\n"))
			}
			if s.stallAfter > 0 && total >= int64(s.stallAfter) {
				<-s.release // stop reading until the test ends: the publisher's writes back up
				return
			}
		default:
			c.send([]byte("-ERR 'Unknown Protocol Operation'\r\n"))
		}
	}
}

func (s *fakeServer) route(subject string, payload []byte) {
	s.mu.Lock()
	subs := append([]fakeSub(nil), s.subs[subject]...)
	target := s.closeConn
	s.mu.Unlock()
	for _, sub := range subs {
		d := s.deliveries.Add(1)
		if s.dropEvery > 0 && d%int64(s.dropEvery) == 0 {
			continue
		}
		hdr := fmt.Appendf(nil, "MSG %s %s %d\r\n", subject, sub.sid, len(payload)-2)
		sub.c.send(hdr, payload)
		if s.closeSubAt > 0 && sub.c == target {
			sub.c.wmu.Lock()
			sub.c.delivered++
			if sub.c.delivered == s.closeSubAt {
				sub.c.nc.Close()
				sub.c.dead = true
			}
			sub.c.wmu.Unlock()
		}
	}
}
