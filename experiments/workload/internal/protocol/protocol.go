// Package protocol holds the wire types shared by collab-server and
// sync-bench. See the README for the HTTP protocol.
package protocol

import (
	"encoding/json"
	"errors"
	"strconv"

	"tuner.local/workload/internal/ot"
)

// OpenResponse is the body of POST /docs/{id}/open.
type OpenResponse struct {
	Client  uint64 `json:"client"`
	Version int64  `json:"version"`
	Text    string `json:"text"`
}

// SubmitRequest is the body of POST /docs/{id}/ops.
type SubmitRequest struct {
	Client uint64 `json:"client"`
	Seq    int64  `json:"seq"`
	Base   int64  `json:"base"`
	Op     ot.Op  `json:"op"`
}

// SubmitResponse is the body of a successful POST /docs/{id}/ops: the
// version assigned to the op and every op the client had not seen yet
// (versions base+1 .. version-1), so that the client can acknowledge its op
// without waiting for the event stream.
type SubmitResponse struct {
	Version int64   `json:"version"`
	Missed  []Event `json:"missed"`
}

// CursorRequest is the body of POST /docs/{id}/cursor.
type CursorRequest struct {
	Client uint64 `json:"client"`
	Pos    int    `json:"pos"`
	Base   int64  `json:"base"`
}

// CursorResponse is the body of a successful POST /docs/{id}/cursor.
type CursorResponse struct {
	Version int64 `json:"version"`
	Pos     int   `json:"pos"`
}

// SaveRequest is the body of POST /docs/{id}/save.
type SaveRequest struct {
	Client uint64 `json:"client"`
}

// SaveResponse is the body of a successful POST /docs/{id}/save.
type SaveResponse struct {
	Version int64 `json:"version"`
	Bytes   int   `json:"bytes"`
}

// TextResponse is the body of GET /docs/{id}/text.
type TextResponse struct {
	Version int64  `json:"version"`
	Text    string `json:"text"`
}

// ErrorResponse is the body of every non-2xx answer.
type ErrorResponse struct {
	Error string `json:"error"`
}

// Event kinds carried by the event stream ("data:" lines of
// GET /docs/{id}/events) and by SubmitResponse.Missed.
const (
	KindOp     = "op"     // v, c (author), q (author's seq), op
	KindCursor = "cursor" // c, p (position), v (version p refers to)
	KindReset  = "reset"  // the server dropped this stream (too slow): reconnect with since=<last version>
	KindReload = "reload" // since is older than the history window: re-open the document
)

// Event is one server event.
type Event struct {
	K  string `json:"k"`
	V  int64  `json:"v,omitempty"`
	C  uint64 `json:"c,omitempty"`
	Q  int64  `json:"q,omitempty"`
	Op ot.Op  `json:"op,omitempty"`
	P  int    `json:"p,omitempty"`
}

// AppendOpEvent appends the JSON encoding of an op event.
func AppendOpEvent(dst []byte, v int64, client uint64, seq int64, op ot.Op) []byte {
	dst = append(dst, `{"k":"op","v":`...)
	dst = strconv.AppendInt(dst, v, 10)
	dst = append(dst, `,"c":`...)
	dst = strconv.AppendUint(dst, client, 10)
	dst = append(dst, `,"q":`...)
	dst = strconv.AppendInt(dst, seq, 10)
	dst = append(dst, `,"op":`...)
	dst = op.AppendJSON(dst)
	return append(dst, '}')
}

// AppendCursorEvent appends the JSON encoding of a cursor (presence) event.
func AppendCursorEvent(dst []byte, client uint64, pos int, v int64) []byte {
	dst = append(dst, `{"k":"cursor","c":`...)
	dst = strconv.AppendUint(dst, client, 10)
	dst = append(dst, `,"p":`...)
	dst = strconv.AppendInt(dst, int64(pos), 10)
	dst = append(dst, `,"v":`...)
	dst = strconv.AppendInt(dst, v, 10)
	return append(dst, '}')
}

// AppendSubmitRequest appends the JSON encoding of a SubmitRequest.
func AppendSubmitRequest(dst []byte, client uint64, seq, base int64, op ot.Op) []byte {
	dst = append(dst, `{"client":`...)
	dst = strconv.AppendUint(dst, client, 10)
	dst = append(dst, `,"seq":`...)
	dst = strconv.AppendInt(dst, seq, 10)
	dst = append(dst, `,"base":`...)
	dst = strconv.AppendInt(dst, base, 10)
	dst = append(dst, `,"op":`...)
	dst = op.AppendJSON(dst)
	return append(dst, '}')
}

var errFallback = errors.New("protocol: not in the compact form")

// ParseEvent decodes one event. The compact form written by the server is
// parsed by hand (the load generator decodes ~50k events/s); anything else
// falls back to encoding/json.
func ParseEvent(data []byte, e *Event) error {
	if err := parseEventFast(data, e); err != nil {
		*e = Event{}
		return json.Unmarshal(data, e)
	}
	return nil
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// simpleString returns the contents of a string without escapes at b[i].
func simpleString(b []byte, i int) ([]byte, int, error) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, errFallback
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			return nil, 0, errFallback
		case '"':
			return b[i+1 : j], j + 1, nil
		}
	}
	return nil, 0, errFallback
}

func kindString(b []byte) string {
	switch string(b) { // no allocation
	case KindOp:
		return KindOp
	case KindCursor:
		return KindCursor
	case KindReset:
		return KindReset
	case KindReload:
		return KindReload
	}
	return string(b)
}

func parseEventFast(b []byte, e *Event) error {
	i, err := parseEventAt(b, skipWS(b, 0), e)
	if err != nil {
		return err
	}
	if skipWS(b, i) != len(b) {
		return errFallback
	}
	return nil
}

// parseEventAt parses the compact event object starting at b[i] and returns
// the index after it.
func parseEventAt(b []byte, i int, e *Event) (int, error) {
	*e = Event{}
	if i >= len(b) || b[i] != '{' {
		return 0, errFallback
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		key, j, err := simpleString(b, i)
		if err != nil {
			return 0, err
		}
		i = skipWS(b, j)
		if i >= len(b) || b[i] != ':' {
			return 0, errFallback
		}
		i = skipWS(b, i+1)
		switch string(key) {
		case "k":
			s, j, err := simpleString(b, i)
			if err != nil {
				return 0, err
			}
			e.K = kindString(s)
			i = j
		case "v", "c", "q", "p":
			v, n, err := ot.ParseInt(b[i:])
			if err != nil {
				return 0, errFallback
			}
			switch key[0] {
			case 'v':
				e.V = v
			case 'c':
				if v < 0 {
					return 0, errFallback
				}
				e.C = uint64(v)
			case 'q':
				e.Q = v
			case 'p':
				e.P = int(v)
			}
			i += n
		case "op":
			op, n, err := ot.ParseOp(b[i:])
			if err != nil {
				return 0, errFallback
			}
			e.Op = op
			i += n
		default:
			return 0, errFallback
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return 0, errFallback
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case '}':
			return i + 1, nil
		default:
			return 0, errFallback
		}
	}
}

// ParseSubmitResponse decodes a SubmitResponse, by hand for the compact
// form the server writes (falling back to encoding/json otherwise).
func ParseSubmitResponse(data []byte, r *SubmitResponse) error {
	if err := parseSubmitFast(data, r); err != nil {
		*r = SubmitResponse{}
		return json.Unmarshal(data, r)
	}
	return nil
}

func parseSubmitFast(b []byte, r *SubmitResponse) error {
	*r = SubmitResponse{}
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errFallback
	}
	i = skipWS(b, i+1)
	for i < len(b) && b[i] != '}' {
		key, j, err := simpleString(b, i)
		if err != nil {
			return err
		}
		i = skipWS(b, j)
		if i >= len(b) || b[i] != ':' {
			return errFallback
		}
		i = skipWS(b, i+1)
		switch string(key) {
		case "version":
			v, n, err := ot.ParseInt(b[i:])
			if err != nil {
				return errFallback
			}
			r.Version = v
			i += n
		case "missed":
			if i >= len(b) || b[i] != '[' {
				return errFallback
			}
			i = skipWS(b, i+1)
			r.Missed = make([]Event, 0, 8)
			for i < len(b) && b[i] != ']' {
				var e Event
				if i, err = parseEventAt(b, i, &e); err != nil {
					return err
				}
				r.Missed = append(r.Missed, e)
				i = skipWS(b, i)
				if i < len(b) && b[i] == ',' {
					i = skipWS(b, i+1)
				} else if i >= len(b) || b[i] != ']' {
					return errFallback
				}
			}
			if i >= len(b) {
				return errFallback
			}
			i++
		default:
			return errFallback
		}
		i = skipWS(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipWS(b, i+1)
		} else if i >= len(b) || b[i] != '}' {
			return errFallback
		}
	}
	if i >= len(b) {
		return errFallback
	}
	if skipWS(b, i+1) != len(b) {
		return errFallback
	}
	return nil
}
