package ot

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Wire format (ot.js style): a JSON array whose elements are
//
//	positive integer n  -> retain n
//	negative integer -n -> delete n
//	non-empty string s  -> insert s
//
// e.g. [120,"abc",-2,4000].

// MaxComponents bounds the number of components accepted when decoding.
const MaxComponents = 4096

// AppendJSON appends the JSON encoding of o to dst.
func (o Op) AppendJSON(dst []byte) []byte {
	dst = append(dst, '[')
	for i, c := range o {
		if i > 0 {
			dst = append(dst, ',')
		}
		if c.N != 0 {
			dst = strconv.AppendInt(dst, int64(c.N), 10)
		} else {
			dst = AppendJSONString(dst, c.S)
		}
	}
	return append(dst, ']')
}

// MarshalJSON implements json.Marshaler.
func (o Op) MarshalJSON() ([]byte, error) {
	return o.AppendJSON(make([]byte, 0, 16+8*len(o))), nil
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string literal. Bytes >= 0x80 are
// copied through unchanged (the caller guarantees valid UTF-8).
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= 0x20 && b != '"' && b != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch b {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

var errSyntax = errors.New("ot: malformed operation JSON")

// UnmarshalJSON implements json.Unmarshaler with a small hand-written
// parser (the load generator decodes tens of thousands of ops per second).
func (o *Op) UnmarshalJSON(data []byte) error {
	op, n, err := ParseOp(data)
	if err != nil {
		return err
	}
	if skipWS(data, n) != len(data) {
		return errSyntax
	}
	*o = op
	return nil
}

// ParseOp parses an op array at the start of data (leading whitespace
// allowed) and returns it with the number of bytes consumed.
func ParseOp(data []byte) (Op, int, error) {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, 0, errSyntax
	}
	i = skipWS(data, i+1)
	out := make(Op, 0, 4)
	if i < len(data) && data[i] == ']' {
		return out, i + 1, nil
	}
	for {
		if i >= len(data) {
			return nil, 0, errSyntax
		}
		if len(out) >= MaxComponents {
			return nil, 0, fmt.Errorf("ot: more than %d components", MaxComponents)
		}
		switch c := data[i]; {
		case c == '"':
			s, n, err := parseString(data[i:])
			if err != nil {
				return nil, 0, err
			}
			if s == "" {
				return nil, 0, errors.New("ot: empty insert")
			}
			out = append(out, Comp{S: s})
			i += n
		case c == '-' || (c >= '0' && c <= '9'):
			v, n, err := ParseInt(data[i:])
			if err != nil || v == 0 {
				return nil, 0, errors.New("ot: invalid count")
			}
			out = append(out, Comp{N: int(v)})
			i += n
		default:
			return nil, 0, errSyntax
		}
		i = skipWS(data, i)
		if i >= len(data) {
			return nil, 0, errSyntax
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case ']':
			return out, i + 1, nil
		default:
			return nil, 0, errSyntax
		}
	}
}

// ParseInt parses a JSON integer (no fraction/exponent, at most 15 digits)
// at the start of b and returns it with the number of bytes consumed.
func ParseInt(b []byte) (int64, int, error) {
	i, neg := 0, false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	start := i
	var v int64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		v = v*10 + int64(b[i]-'0')
		i++
	}
	if i == start || i-start > 15 {
		return 0, 0, errSyntax
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return 0, 0, errSyntax
	}
	if neg {
		v = -v
	}
	return v, i, nil
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// parseString parses a JSON string at the start of b and returns the value
// and the number of bytes consumed.
func parseString(b []byte) (string, int, error) {
	esc := false
	for j := 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			esc = true
			j++
		case '"':
			if !esc {
				return string(b[1:j]), j + 1, nil
			}
			var s string
			if err := json.Unmarshal(b[:j+1], &s); err != nil {
				return "", 0, err
			}
			return s, j + 1, nil
		}
	}
	return "", 0, errSyntax
}
