package main

import (
	"os"
	"strings"
	"testing"
)

func TestParseStatCPU(t *testing.T) {
	// A command name with spaces and a ')' must not shift the fields.
	line := "1234 (re pr)ise) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 100 0 0\n"
	got, err := parseStatCPU([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if want := 3.0; got != want {
		t.Fatalf("parseStatCPU()=%v, want %v", got, want)
	}
	if _, err := parseStatCPU([]byte("1234 (x) S 1")); err == nil {
		t.Fatal("short line accepted")
	}
	// And the real thing: this process has a stat file.
	if _, err := procCPU(0); err != nil {
		t.Fatal(err)
	}
}

func TestParseStatusMem(t *testing.T) {
	m, err := parseStatusMem(strings.NewReader("Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.HWM != 2048<<10 || m.RSS != 1024<<10 {
		t.Fatalf("parseStatusMem()=%+v", m)
	}
	if _, err := parseStatusMem(strings.NewReader("VmRSS: 1 kB\n")); err == nil {
		t.Fatal("status without VmHWM accepted")
	}
	if m, err := procMem(os.Getpid()); err != nil || m.HWM == 0 {
		t.Fatalf("procMem(self)=%+v, %v", m, err)
	}
}

func FuzzParseStatCPU(f *testing.F) {
	f.Add([]byte("1 (init) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 1 0 0"))
	f.Add([]byte("2 (a) b) R"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, err := parseStatCPU(b); err == nil && v < 0 {
			t.Fatalf("negative CPU %v", v)
		}
	})
}

func FuzzParseStatusMem(f *testing.F) {
	f.Add("VmHWM:\t 10 kB\nVmRSS:\t 5 kB\n")
	f.Add("VmHWM: x kB\n")
	f.Fuzz(func(t *testing.T, s string) {
		if m, err := parseStatusMem(strings.NewReader(s)); err == nil && (m.HWM <= 0 || m.RSS < 0) {
			t.Fatalf("parseStatusMem accepted %q as %+v", s, m)
		}
	})
}
