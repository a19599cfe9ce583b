package server

import (
	"io"
	"net/http"
	"strconv"
	"time"
)

// GET /docs/{id}/events?client=ID&since=V
//
// A server-sent-events stream. Every event is one "data: {json}" line
// (protocol.Event). The stream first replays the ops after version since
// from the history, then delivers every new op (including the client's own,
// which is its acknowledgement) and the other clients' cursor moves, in
// server order. Writes are coalesced: after each flush the writer waits
// FlushInterval before the next one.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	d := s.docFor(w, r)
	if d == nil {
		return
	}
	q := r.URL.Query()
	client, err := strconv.ParseUint(q.Get("client"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid client")
		return
	}
	since, err := strconv.ParseInt(q.Get("since"), 10, 64)
	if err != nil || since < 0 {
		writeError(w, http.StatusBadRequest, "invalid since")
		return
	}
	sub, reload, status, err := d.subscribe(client, since)
	if err != nil {
		writeError(w, status, "%v", err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if reload {
		io.WriteString(w, "data: {\"k\":\"reload\"}\n\n")
		rc.Flush()
		return
	}
	s.streamsTotal.Add(1)
	defer d.unsubscribe(sub)
	if _, err := io.WriteString(w, ": connected\n\n"); err != nil {
		return
	}
	if rc.Flush() != nil {
		return
	}
	ctx := r.Context()
	var timer *time.Timer
	for {
		select {
		case <-sub.notify:
		case <-ctx.Done():
			return
		case <-s.shutdown:
			return
		}
		batch, dropped, closed := d.take(sub)
		if closed {
			return
		}
		if dropped {
			io.WriteString(w, "data: {\"k\":\"reset\"}\n\n")
			rc.Flush()
			return
		}
		if len(batch) == 0 {
			continue
		}
		n := 0
		for _, b := range batch {
			n += len(b) + 8
		}
		buf := make([]byte, 0, n)
		for _, b := range batch {
			buf = append(buf, "data: "...)
			buf = append(buf, b...)
			buf = append(buf, '\n', '\n')
		}
		rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := w.Write(buf); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
		if fi := s.cfg.FlushInterval; fi > 0 {
			if timer == nil {
				timer = time.NewTimer(fi)
			} else {
				timer.Reset(fi)
			}
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			case <-s.shutdown:
				return
			}
		}
	}
}
