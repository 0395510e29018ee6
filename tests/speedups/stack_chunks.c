/* The test processes' arena allocator, keeping a few freed blocks for reuse.
 *
 * CPython 3.11 keeps each thread's frames in 16 KiB chunks, each taken from the arena
 * allocator (mmap) when a call needs one and handed back (munmap) as soon as the stack
 * falls below it. A Django request goes back and forth across such an edge thousands of
 * times a second, two system calls each time (python/cpython#142183; later releases keep
 * one chunk for reuse). Where system calls are slow, as in some sandboxed hosts, that was
 * half the time of the test suite. Kept here: up to 16 blocks of at most 64 KiB; larger
 * blocks (the object allocator's arenas) go back to the system as before.
 *
 * Built by `make test` (see the Makefile) and installed by tests/conftest.py when built.
 * The allocator is only called with the interpreter's lock held.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define KEPT_MAX 16
#define KEPT_LARGEST (64 * 1024)

static PyObjectArenaAllocator underlying;
static void *kept[KEPT_MAX];
static size_t kept_size[KEPT_MAX];
static int kept_count = 0;
static int installed = 0;

static void *
reusing_alloc(void *ctx, size_t size)
{
    for (int i = kept_count - 1; i >= 0; i--) {
        if (kept_size[i] == size) {
            void *block = kept[i];
            kept_count--;
            kept[i] = kept[kept_count];
            kept_size[i] = kept_size[kept_count];
            return block;
        }
    }
    return underlying.alloc(underlying.ctx, size);
}

static void
reusing_free(void *ctx, void *block, size_t size)
{
    if (block != NULL && size <= KEPT_LARGEST && kept_count < KEPT_MAX) {
        kept[kept_count] = block;
        kept_size[kept_count] = size;
        kept_count++;
        return;
    }
    underlying.free(underlying.ctx, block, size);
}

static PyObject *
install(PyObject *module, PyObject *unused)
{
    if (!installed) {
        PyObjectArenaAllocator reusing = {NULL, reusing_alloc, reusing_free};
        PyObject_GetArenaAllocator(&underlying);
        PyObject_SetArenaAllocator(&reusing);
        installed = 1;
    }
    Py_RETURN_NONE;
}

static PyObject *
kept_blocks(PyObject *module, PyObject *unused)
{
    return PyLong_FromLong(kept_count);
}

static PyMethodDef methods[] = {
    {"install", install, METH_NOARGS, "Keep freed blocks of up to 64 KiB for reuse."},
    {"kept_blocks", kept_blocks, METH_NOARGS, "How many freed blocks are kept now."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "stack_chunks", "Reuse of the frames' stack chunks.", -1, methods,
};

PyMODINIT_FUNC
PyInit_stack_chunks(void)
{
    return PyModule_Create(&module);
}
