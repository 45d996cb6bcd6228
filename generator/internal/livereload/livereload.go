// Package livereload tells the pages open in browsers what a rebuild of the
// preview changed, over Server-Sent Events: reload (the pages whose output
// changed), swap the stylesheet, or show build errors over the last good page
// until they are fixed. It serves the small script that listens, which the
// preview server adds to every HTML page it sends.
package livereload

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"vepkb/generator/internal/diag"
)

// Paths served by the Hub.
const (
	EventsPath = "/__kb/events"
	ScriptPath = "/__kb/live.js"
)

// Tag is the script element added to HTML pages.
const Tag = `<script src="` + ScriptPath + `" defer></script>`

//go:embed live.js
var script []byte

// Error is a build problem as pages show it.
type Error struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Message string `json:"message"`
}

// Message is one event sent to pages.
type Message struct {
	Type      string   `json:"type"` // hello, reload, css, errors, ok
	Server    string   `json:"server,omitempty"`
	Pages     []string `json:"pages,omitempty"`
	All       bool     `json:"all,omitempty"`
	Href      string   `json:"href,omitempty"`
	Integrity string   `json:"integrity,omitempty"`
	Errors    []Error  `json:"errors,omitempty"`
}

// Hub keeps the open pages' connections and the current error state.
type Hub struct {
	id string

	mu      sync.Mutex
	clients map[chan []byte]bool
	errors  []Error
}

// NewHub returns a hub. Pages that reconnect to another hub (a restarted
// server) reload.
func NewHub() *Hub {
	return &Hub{id: strconv.FormatInt(time.Now().UnixNano(), 36), clients: map[chan []byte]bool{}}
}

// Reload tells pages that these site paths changed (all: every page).
func (h *Hub) Reload(pages []string, all bool) {
	h.clearErrors()
	h.send(Message{Type: "reload", Pages: pages, All: all})
}

// CSS tells pages to swap their stylesheet for href.
func (h *Hub) CSS(href, integrity string) {
	h.clearErrors()
	h.send(Message{Type: "css", Href: href, Integrity: integrity})
}

// Errors shows a failed build's problems on every page, and on pages opened
// until the next good build.
func (h *Hub) Errors(err error) {
	var list []Error
	for _, d := range diag.As(err) {
		list = append(list, Error{File: d.Path, Line: d.Line, Col: d.Col, Message: d.Msg})
	}
	if len(list) == 0 {
		list = []Error{{File: "build", Message: err.Error()}}
	}
	h.mu.Lock()
	h.errors = list
	h.mu.Unlock()
	h.send(Message{Type: "errors", Errors: list})
}

// OK clears errors shown after a good build that changed nothing.
func (h *Hub) OK() { h.clearErrors() }

func (h *Hub) clearErrors() {
	h.mu.Lock()
	had := len(h.errors) > 0
	h.errors = nil
	h.mu.Unlock()
	if had {
		h.send(Message{Type: "ok"})
	}
}

// Clients returns how many pages are connected.
func (h *Hub) Clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

func (h *Hub) send(m Message) {
	data, _ := json.Marshal(m)
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c <- data:
		default: // a stalled page misses this event; its next reload catches up
		}
	}
}

// ServeHTTP serves the event stream and the script.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case ScriptPath:
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(script)
	case EventsPath:
		h.events(w, r)
	default:
		http.NotFound(w, r)
	}
}

// SameOrigin reports whether a request comes from a page of this server (or
// from a tool that is not a browser), refusing cross-site pages and DNS
// rebinding (a Host header that is not this server's address).
func SameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if a, ok := local.(*net.TCPAddr); ok && a.IP.IsLoopback() {
			// Bound to loopback: only loopback names may address it.
			ip := net.ParseIP(strings.Trim(host, "[]"))
			return host == "localhost" || (ip != nil && ip.IsLoopback())
		}
	}
	return true
}

func (h *Hub) events(w http.ResponseWriter, r *http.Request) {
	if !SameOrigin(r) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	c := make(chan []byte, 16)
	h.mu.Lock()
	h.clients[c] = true
	hello, _ := json.Marshal(Message{Type: "hello", Server: h.id, Errors: h.errors})
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.clients, c)
		h.mu.Unlock()
	}()
	fmt.Fprintf(w, "retry: 500\ndata: %s\n\n", hello)
	flusher.Flush()
	keepAlive := time.NewTicker(15 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case data := <-c:
			if _, err := fmt.Fprintf(w, "data: %s\n\n", data); err != nil {
				return
			}
			flusher.Flush()
		case <-keepAlive.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			flusher.Flush()
		}
	}
}
