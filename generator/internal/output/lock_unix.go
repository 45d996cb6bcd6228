//go:build unix

package output

import (
	"fmt"
	"os"
	"syscall"
)

// lockDir takes an exclusive lock on the folder dir for as long as this
// process keeps the returned file open (or until it exits, however it exits).
func lockDir(dir string) (*os.File, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	return f, nil
}

// tryLockDir takes the lock if no other process holds it.
func tryLockDir(dir string) (*os.File, error) { return lockDir(dir) }

func unlockDir(f *os.File) {
	if f != nil {
		f.Close()
	}
}
