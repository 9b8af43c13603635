package reactor

import (
	"sync"
	"sync/atomic"

	"goevent/internal/svc"

	"golang.org/x/sys/unix"
)

// Wakeups (libevent's th_notify). A notifiable base has an eventfd
// (CThread.NotifyFd, made by the C layer); the reactor watches it with an
// internal persistent read event of priority 0 stored in the C struct
// (CThread.NotifyEv), so the base's Go side holds nothing for it and
// Base.Free deletes it with every other event. A thread that changes the
// base while its loop sleeps writes the eventfd unless a wakeup is already
// pending (CThread.NotifyPending, set with an atomic exchange by the
// writer); the handler reads the eventfd empty first and clears the pending
// flag second, so a wakeup written in between is never lost: the loop is
// awake at that point and re-reads the state before it sleeps again.

// notifyHandler drains the eventfd of the base its event belongs to. One
// handler serves every base.
type notifyHandler struct{}

func (notifyHandler) HandleEvent(ev *Event, res int16) {
	b := FromC(ev.Base)
	if b == nil || b.c.Thread == nil {
		return
	}
	for {
		_, err := unix.Read(int(ev.Fd), b.drain[:8])
		if err != unix.EINTR {
			break
		}
	}
	atomic.StoreInt32(&b.c.Thread.NotifyPending, 0)
}

var (
	notifyOnce sync.Once
	notifyID   uintptr
)

func notifyHandlerID() uintptr {
	notifyOnce.Do(func() { notifyID = RegisterHandler(notifyHandler{}) })
	return notifyID
}

// WatchNotify makes b's loop watch its notification fd, if it has one and
// does not watch it yet (evthread_make_base_notifiable on an adopted base;
// Adopt does it for the others). It returns 0 or -1 with a logged warning.
func (b *Base) WatchNotify() int {
	th := b.c.Thread
	if th == nil || th.NotifyFd < 0 || b.dead {
		return 0
	}
	ev := &th.NotifyEv
	if ev.Base == b.C() && ev.Flags&EVLIST_INSERTED != 0 {
		return 0
	}
	id := notifyHandlerID()
	if id == 0 {
		svc.Warnf("evthread_make_base_notifiable: no room for the wakeup handler")
		return -1
	}
	b.AssignGo(ev, int(th.NotifyFd), EV_READ|EV_PERSIST, id)
	ev.Flags |= EVLIST_INTERNAL
	ev.Pri = 0
	if b.add(ev, nil, false) != 0 {
		svc.Warnf("evthread_make_base_notifiable: cannot watch the notification fd %d", th.NotifyFd)
		return -1
	}
	return 0
}
