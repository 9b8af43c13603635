package core

import (
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/internal/cmem"
	"goevent/internal/slots"
	"goevent/internal/svc"
)

// File segments (struct evbuffer_file_segment). The bytes are made
// addressable when the segment is created: mapped (mmap) unless
// EVBUF_FS_DISABLE_MMAP, else read (pread) into C memory, so search, peek,
// pullup and copyout work on them like on any segment. Writing a file
// segment at the front of a buffer flagged EVBUFFER_FLAG_DRAINS_TO_FD uses
// sendfile unless EVBUF_FS_DISABLE_SENDFILE.
const (
	FsCloseOnFree      = 0x01
	FsDisableMmap      = 0x02
	FsDisableSendfile  = 0x04
	FsDisableLocking   = 0x08
	BufFlagDrainsToFd  = 1
	fsLive             = 0x66736567 // "fseg"
	fsDead             = 0xdeadf5e6
	sizeofCFileSeg     = 16
	maxEvbufferRead    = 4096 // libevent's EVBUFFER_MAX_READ
	pageSize           = 4096
	fileSegChainMaxLen = maxLen
)

type cFileSeg struct {
	magic uint32
	idx   uint32
	gen   uint64
}

// FileSeg is the Go side of one struct evbuffer_file_segment.
type FileSeg struct {
	h       *cFileSeg
	gen     uint64
	fd      int
	flags   int
	offset  int64
	length  int64
	mem     unsafe.Pointer // first byte of the segment's data
	mapBase unsafe.Pointer // mmap'ed region (nil if read into cmem)
	mapLen  int
	memCap  int // cmem block size when read
	refs    atomic.Int32
	cleanup unsafe.Pointer
	arg     unsafe.Pointer
}

var fileSegs slots.Table[FileSeg] // Max: table.go

// NewFileSeg is evbuffer_file_segment_new; nil (logged) on failure.
func NewFileSeg(fd int, offset, length int64, flags int) *FileSeg {
	if offset < 0 {
		svc.Warnf("evbuffer_file_segment_new: bad offset %d", offset)
		return nil
	}
	var st unix.Stat_t
	statErr := unix.Fstat(fd, &st)
	if length == -1 {
		if statErr != nil {
			svc.Warnf("evbuffer_file_segment_new: fstat: %v", statErr)
			return nil
		}
		length = st.Size - offset
	}
	if length < 0 || length > maxLen || offset > maxLen-length {
		svc.Warnf("evbuffer_file_segment_new: bad length %d at offset %d", length, offset)
		return nil
	}
	if statErr == nil && st.Mode&unix.S_IFMT == unix.S_IFREG && offset+length > st.Size {
		svc.Warnf("evbuffer_file_segment_new: %d bytes at %d are past the end of the file", length, offset)
		return nil
	}
	fs := &FileSeg{fd: fd, flags: flags, offset: offset, length: length, gen: nextGen()}
	// As libevent: a segment that may be sent with sendfile is read (or
	// mapped) only when first added to a buffer; the others now.
	if flags&FsDisableSendfile != 0 && !fs.materialize() {
		return nil
	}
	hp := allocHandle(sizeofCFileSeg)
	if hp == nil {
		fs.freeMem()
		return nil
	}
	idx, ok := fileSegs.Put(fs)
	if !ok {
		freeHandle(hp, sizeofCFileSeg)
		fs.freeMem()
		return nil
	}
	fs.h = (*cFileSeg)(hp)
	fs.h.idx, fs.h.gen, fs.h.magic = idx, fs.gen, fsLive
	fs.refs.Store(1)
	return fs
}

// materialize makes the bytes addressable: mapped unless
// EVBUF_FS_DISABLE_MMAP (or mmap fails), else read into C memory.
func (fs *FileSeg) materialize() bool {
	if fs.mem != nil || fs.length == 0 {
		return true
	}
	length, offset, fd := fs.length, fs.offset, fs.fd
	if fs.flags&FsDisableMmap == 0 {
		start := offset &^ (pageSize - 1)
		delta := int(offset - start)
		m, err := unix.MmapPtr(fd, start, nil, uintptr(int(length)+delta), unix.PROT_READ, unix.MAP_PRIVATE)
		if err == nil {
			fs.mapBase, fs.mapLen = m, int(length)+delta
			fs.mem = unsafe.Add(m, delta)
			return true
		}
	}
	p := cmem.Alloc(int(length))
	if p == nil {
		svc.Warnf("evbuffer_file_segment: out of memory")
		return false
	}
	done := 0
	for done < int(length) {
		n, err := unix.Pread(fd, bytesAt(unsafe.Add(p, done), int(length)-done), offset+int64(done))
		if err == unix.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			cmem.Free(p, int(length))
			svc.Warnf("evbuffer_file_segment: reading fd %d failed: %v", fd, err)
			return false
		}
		done += n
	}
	fs.mem, fs.memCap = p, int(length)
	return true
}

func (fs *FileSeg) freeMem() {
	if fs.mapBase != nil {
		unix.MunmapPtr(fs.mapBase, uintptr(fs.mapLen))
		fs.mapBase = nil
	} else if fs.mem != nil {
		cmem.Free(fs.mem, fs.memCap)
	}
	fs.mem = nil
}

// Handle is the struct evbuffer_file_segment * given to C.
func (fs *FileSeg) Handle() unsafe.Pointer { return unsafe.Pointer(fs.h) }

// unref drops one reference; the last one frees the memory, closes the file
// (EVBUF_FS_CLOSE_ON_FREE) and runs the cleanup callback, in libevent's order.
func (fs *FileSeg) unref() {
	if fs.refs.Add(-1) != 0 {
		return
	}
	fs.freeMem()
	if fs.flags&FsCloseOnFree != 0 && fs.fd >= 0 {
		unix.Close(fs.fd)
	}
	h := fs.h
	if fs.cleanup != nil {
		callFsCleanup(fs.cleanup, unsafe.Pointer(h), fs.flags, fs.arg)
	}
	h.magic = fsDead
	fileSegs.Release(h.idx)
	fs.gen = 0
	freeHandle(unsafe.Pointer(h), sizeofCFileSeg)
}

func fileSegFromC(h unsafe.Pointer, fn string) *FileSeg {
	if h == nil {
		svc.Warnf("%s: NULL file segment", fn)
		return nil
	}
	c := (*cFileSeg)(h)
	if c.magic != fsLive {
		svc.Warnf("%s: %p is not a live evbuffer_file_segment", fn, h)
		return nil
	}
	fs := fileSegs.Get(c.idx)
	if fs == nil || fs.gen != c.gen || fs.h != c {
		svc.Warnf("%s: stale file segment %p", fn, h)
		return nil
	}
	return fs
}

// AddFileSegment is evbuffer_add_file_segment: length bytes (-1: to the end
// of the segment) from offset within fs. 0 or -1.
func (b *Buffer) AddFileSegment(fs *FileSeg, offset, length int64) int {
	b.fold()
	if offset < 0 || offset > fs.length {
		return -1
	}
	if length < 0 {
		length = fs.length - offset
	}
	if offset+length > fs.length || b.freezeEnd || length > int64(maxLen-b.Len()) {
		return -1
	}
	if length == 0 {
		return 0
	}
	if !fs.materialize() {
		return -1
	}
	fs.refs.Add(1)
	e := &segExt{file: fs, foff: fs.offset + offset}
	e.refs.Store(1)
	s := newExtSeg(unsafe.Add(fs.mem, offset), int(length), e)
	if spare := b.appendSegs(s, s); spare != nil {
		putSeg(spare)
	}
	b.h.totalLen += uintptr(length)
	b.changed(int(length), 0)
	return 0
}

// AddFile is evbuffer_add_file: the file is closed once its bytes left the
// buffer.
func (b *Buffer) AddFile(fd int, offset, length int64) int {
	fs := NewFileSeg(fd, offset, length, FsCloseOnFree)
	if fs == nil {
		return -1
	}
	r := b.AddFileSegment(fs, 0, length)
	if r == 0 {
		fs.unref()
	}
	return r
}

// sendfileHead writes the file segment at the front with sendfile, when it
// is one and the buffer drains to a descriptor. ok false: not applicable.
func (b *Buffer) sendfileHead(fd int, max int) (n int, e unix.Errno, ok bool) {
	h := b.head
	if h == nil || h.ext == nil || h.ext.file == nil || b.flags&BufFlagDrainsToFd == 0 ||
		h.ext.file.flags&FsDisableSendfile != 0 {
		return 0, 0, false
	}
	k := h.n
	if k > max {
		k = max
	}
	off := h.ext.foff + int64(h.off)
	r, _, errno := unix.Syscall6(unix.SYS_SENDFILE, uintptr(fd), uintptr(h.ext.file.fd), uintptr(unsafe.Pointer(&off)), uintptr(k), 0, 0)
	if errno == unix.EINVAL || errno == unix.ENOSYS {
		return 0, 0, false
	}
	if errno != 0 {
		return -1, errno, true
	}
	return int(r), 0, true
}
