package natsbench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// The NATS client protocol, the part nats-bench needs (see
// https://docs.nats.io/reference/protocols/client): every protocol message
// is a control line ending in CRLF; PUB and MSG carry a payload of the
// announced length followed by CRLF. Operation names are case-insensitive
// and fields are separated by spaces or tabs.
//
//	server: INFO {json}  MSG <subject> <sid> [reply-to] <#bytes>  PING  PONG  +OK  -ERR <text>
//	client: CONNECT {json}  PUB <subject> [reply-to] <#bytes>  SUB <subject> [queue] <sid>  PING  PONG
//
// A slow consumer is not announced: nats-server closes the connection
// without flushing, so it shows up here as a dropped connection.

const (
	readBufSize  = 64 << 10
	writeBufSize = 32 << 10
	// maxControlLine bounds a control line; nats-server's own limit is 4 KiB
	// and INFO lines are a few hundred bytes.
	maxControlLine = readBufSize
)

// serverInfo is the part of INFO nats-bench uses.
type serverInfo struct {
	ServerID     string `json:"server_id"`
	Version      string `json:"version"`
	Proto        int    `json:"proto"`
	MaxPayload   int64  `json:"max_payload"`
	AuthRequired bool   `json:"auth_required"`
	TLSRequired  bool   `json:"tls_required"`
}

type connectOpts struct {
	Verbose  bool   `json:"verbose"`
	Pedantic bool   `json:"pedantic"`
	TLS      bool   `json:"tls_required"`
	Name     string `json:"name"`
	Lang     string `json:"lang"`
	Version  string `json:"version"`
	Protocol int    `json:"protocol"`
	Echo     bool   `json:"echo"`
	Headers  bool   `json:"headers"`
	User     string `json:"user,omitempty"`
	Pass     string `json:"pass,omitempty"`
}

// ConnectError means nats-bench could not establish a connection (dial,
// INFO, CONNECT/PING answered by -ERR or nothing).
type ConnectError struct {
	Addr string
	Err  error
}

func (e *ConnectError) Error() string { return fmt.Sprintf("cannot connect to %s: %v", e.Addr, e.Err) }
func (e *ConnectError) Unwrap() error { return e.Err }

// conn is one client connection with a reader goroutine. Writes go through
// w under wmu (the owner's writes and the reader's PONG replies).
type conn struct {
	name string
	nc   net.Conn
	info serverInfo

	wmu sync.Mutex
	w   *bufio.Writer

	r *bufio.Reader

	pongs   chan struct{} // one token per PONG received
	dead    chan struct{} // closed when the reader ends
	closing atomic.Bool   // we closed it on purpose
	onMsg   func(payload []byte)
	onErr   func(kind, text string)
	scratch []byte
	started bool
}

// dial opens a connection, reads INFO, sends CONNECT and waits for the PONG
// of a PING, all before deadline. It does not start the reader.
func dial(addr, name string, user, pass string, deadline time.Time) (*conn, error) {
	d := net.Dialer{Deadline: deadline}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, &ConnectError{addr, err}
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	c := &conn{
		name:  name,
		nc:    nc,
		w:     bufio.NewWriterSize(nc, writeBufSize),
		r:     bufio.NewReaderSize(nc, readBufSize),
		pongs: make(chan struct{}, 1024),
		dead:  make(chan struct{}),
	}
	fail := func(err error) (*conn, error) {
		nc.Close()
		return nil, &ConnectError{addr, err}
	}
	_ = nc.SetDeadline(deadline)
	line, err := c.readLine()
	if err != nil {
		return fail(fmt.Errorf("reading INFO: %w", err))
	}
	op, rest := splitOp(line)
	switch {
	case op == "INFO":
		if err := json.Unmarshal(rest, &c.info); err != nil {
			return fail(fmt.Errorf("bad INFO: %v", err))
		}
	case op == "-ERR":
		return fail(fmt.Errorf("server said -ERR %s", rest))
	default:
		return fail(fmt.Errorf("expected INFO, got %q", truncate(line, 80)))
	}
	if c.info.TLSRequired {
		return fail(errors.New("the server requires TLS, which nats-bench does not speak"))
	}
	opts, _ := json.Marshal(connectOpts{
		Name: name, Lang: "go", Version: "nats-bench", Protocol: 1,
		User: user, Pass: pass,
	})
	c.w.WriteString("CONNECT ")
	c.w.Write(opts)
	c.w.WriteString("\r\nPING\r\n")
	if err := c.w.Flush(); err != nil {
		return fail(fmt.Errorf("sending CONNECT: %w", err))
	}
	if err := c.awaitPongSync(); err != nil {
		return fail(err)
	}
	_ = nc.SetDeadline(time.Time{})
	return c, nil
}

// awaitPongSync reads until PONG without the reader goroutine (during
// setup). -ERR fails; INFO, +OK and PING are handled.
func (c *conn) awaitPongSync() error {
	for {
		line, err := c.readLine()
		if err != nil {
			return fmt.Errorf("waiting for PONG: %w", err)
		}
		op, rest := splitOp(line)
		switch op {
		case "PONG":
			return nil
		case "-ERR":
			return fmt.Errorf("server said -ERR %s", rest)
		case "PING":
			c.w.WriteString("PONG\r\n")
			if err := c.w.Flush(); err != nil {
				return err
			}
		case "INFO", "+OK":
		default:
			return fmt.Errorf("unexpected %q while waiting for PONG", truncate(line, 80))
		}
	}
}

// readLine returns a control line without CRLF; valid until the next read.
func (c *conn) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("control line longer than %d bytes", maxControlLine)
		}
		return nil, err
	}
	line = bytes.TrimRight(line, "\r\n")
	return line, nil
}

// splitOp splits a control line into its upper-cased operation and the rest
// (leading blanks removed).
func splitOp(line []byte) (string, []byte) {
	i := bytes.IndexAny(line, " \t")
	opb := line
	var rest []byte
	if i >= 0 {
		opb, rest = line[:i], bytes.TrimLeft(line[i:], " \t")
	}
	// What the server sends is upper case; compare without allocating.
	for _, op := range knownOps {
		if len(opb) == len(op) && (string(opb) == op || bytes.EqualFold(opb, []byte(op))) {
			return op, rest
		}
	}
	return string(opb), rest
}

var knownOps = [...]string{"MSG", "PING", "PONG", "INFO", "+OK", "-ERR", "HMSG"}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// start runs the reader goroutine; onMsg and onErr must be set.
func (c *conn) start() {
	c.started = true
	go c.readLoop()
}

func (c *conn) readLoop() {
	defer close(c.dead)
	for {
		line, err := c.readLine()
		if err != nil {
			c.lost(err)
			return
		}
		op, rest := splitOp(line)
		switch op {
		case "MSG":
			n, err := msgSize(rest)
			if err != nil {
				// The stream cannot be resynchronised: drop the connection.
				c.onErr("protocol", fmt.Sprintf("%s: bad MSG line %q: %v", c.name, truncate(line, 80), err))
				c.nc.Close()
				return
			}
			if err := c.readPayload(n); err != nil {
				c.lost(err)
				return
			}
		case "PING":
			c.wmu.Lock()
			c.w.WriteString("PONG\r\n")
			err := c.w.Flush()
			c.wmu.Unlock()
			if err != nil {
				c.lost(err)
				return
			}
		case "PONG":
			select {
			case c.pongs <- struct{}{}:
			default: // more PONGs than PINGs we wait for: not ours to count
			}
		case "HMSG":
			// Never asked for (CONNECT says headers:false): cannot skip safely.
			c.onErr("protocol", fmt.Sprintf("%s: unexpected HMSG", c.name))
			c.nc.Close()
			return
		case "+OK", "INFO":
		case "-ERR":
			c.onErr("server", fmt.Sprintf("%s: -ERR %s", c.name, truncate(rest, 120)))
		default:
			c.onErr("protocol", fmt.Sprintf("%s: unexpected %q", c.name, truncate(line, 80)))
		}
	}
}

// msgSize parses "<subject> <sid> [reply-to] <#bytes>" and returns #bytes
// (without allocating: it runs once per delivery).
func msgSize(args []byte) (int, error) {
	fields, last := 0, []byte(nil)
	for i := 0; i < len(args); {
		for i < len(args) && (args[i] == ' ' || args[i] == '\t') {
			i++
		}
		if i == len(args) {
			break
		}
		j := i
		for j < len(args) && args[j] != ' ' && args[j] != '\t' {
			j++
		}
		fields++
		last = args[i:j]
		i = j
	}
	if fields != 3 && fields != 4 {
		return 0, errors.New("want 3 or 4 fields")
	}
	if len(last) == 0 || len(last) > 10 {
		return 0, errors.New("bad size")
	}
	n := 0
	for _, ch := range last {
		if ch < '0' || ch > '9' {
			return 0, errors.New("bad size")
		}
		n = n*10 + int(ch-'0')
	}
	return n, nil
}

// readPayload consumes n payload bytes and the CRLF and hands the payload to
// onMsg (the slice is only valid during the call).
func (c *conn) readPayload(n int) error {
	var p []byte
	if n+2 <= readBufSize {
		b, err := c.r.Peek(n + 2)
		if err != nil {
			return err
		}
		p = b
	} else {
		if cap(c.scratch) < n+2 {
			c.scratch = make([]byte, n+2)
		}
		p = c.scratch[:n+2]
		if _, err := io.ReadFull(c.r, p); err != nil {
			return err
		}
	}
	if p[n] != '\r' || p[n+1] != '\n' {
		c.onErr("protocol", fmt.Sprintf("%s: MSG payload of %d bytes not followed by CRLF", c.name, n))
	}
	if c.onMsg != nil {
		c.onMsg(p[:n])
	}
	if n+2 <= readBufSize {
		_, _ = c.r.Discard(n + 2)
	}
	return nil
}

// lost records a connection that ended without our asking.
func (c *conn) lost(err error) {
	if c.closing.Load() {
		return
	}
	msg := "connection closed by the server (slow consumer, or the server stopped)"
	if err != nil && !errors.Is(err, io.EOF) {
		msg = err.Error()
	}
	c.onErr("disconnect", fmt.Sprintf("%s: %s", c.name, msg))
	c.nc.Close()
}

// close ends the connection on purpose and waits for the reader (bounded:
// closing the socket unblocks it).
func (c *conn) close() {
	c.closing.Store(true)
	c.nc.Close()
	if c.started {
		<-c.dead
	}
}

func (c *conn) isDead() bool {
	select {
	case <-c.dead:
		return true
	default:
		return false
	}
}
