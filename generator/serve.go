package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"vepkb/generator/internal/server"
	"vepkb/generator/internal/site"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c commonFlags
	c.register(fs)
	bind := fs.String("bind", "127.0.0.1", "address to listen on")
	port := fs.Int("port", 1313, "port to listen on")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: generator serve [flags]\n\nBuilds the site into a private temporary folder (public/ is not touched) and serves it.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code := parseFlags(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	if *port < 0 || *port > 65535 {
		fmt.Fprintf(stderr, "generator serve: --port %d is not a port number\n", *port)
		return exitUsage
	}
	opt, err := c.options(stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitUsage
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*bind, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintf(stderr, "error: cannot listen on %s:%d: %v\n", *bind, *port, err)
		return exitError
	}
	defer ln.Close()
	addr := ln.Addr().(*net.TCPAddr)
	host := *bind
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	base := "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port)) + "/"
	tmp, err := os.MkdirTemp("", "kb-serve-")
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitError
	}
	defer os.RemoveAll(tmp)
	opt.Dest = filepath.Join(tmp, "site")
	opt.BaseURL = base
	res, err := site.Build(opt)
	if err != nil {
		printDiagnostics(stderr, err)
		return exitError
	}
	fmt.Fprintf(stdout, "built %d pages in %s\nserving at %s (press Ctrl+C to stop)\n", res.Pages, res.Duration.Round(time.Millisecond), base)
	srv := &http.Server{Handler: server.New(opt.Dest), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		fmt.Fprintln(stdout, "stopped")
		return exitOK
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return exitOK
		}
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitError
	}
}
