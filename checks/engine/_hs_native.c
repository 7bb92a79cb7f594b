/* A minimal binding to the system's Hyperscan library (Debian's libhyperscan5): compile
 * a set of expressions for the generic x86-64 platform, scan a block, and store or load
 * a compiled database. Used by checks/engine/hs_backend.py in place of the `hyperscan`
 * wheel where it was built; docs/knowledge/hyperscan-builds.md says why (the same
 * database scans the benchmark log faster through this library than through the wheel). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <hs/hs.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static PyObject *HsError;

typedef struct {
    PyObject_HEAD
    hs_database_t *db;
    hs_scratch_t *scratch;
    hs_scratch_t *bg_scratch; /* the background scan's own (hs_clone_scratch), made on first use */
    int bg_busy;              /* a Scan holds bg_scratch: one background scan at a time */
} Database;

static PyTypeObject DatabaseType;

static PyObject *
database_new(hs_database_t *db)
{
    Database *self = PyObject_New(Database, &DatabaseType);
    if (self == NULL) {
        hs_free_database(db);
        return NULL;
    }
    self->db = db;
    self->scratch = NULL;
    self->bg_scratch = NULL;
    self->bg_busy = 0;
    if (hs_alloc_scratch(db, &self->scratch) != HS_SUCCESS) {
        Py_DECREF(self);
        PyErr_SetString(HsError, "hs_alloc_scratch failed");
        return NULL;
    }
    return (PyObject *)self;
}

static void
database_dealloc(Database *self)
{
    if (self->scratch != NULL)
        hs_free_scratch(self->scratch);
    if (self->bg_scratch != NULL)
        hs_free_scratch(self->bg_scratch);
    if (self->db != NULL)
        hs_free_database(self->db);
    PyObject_Free(self);
}

static int
on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *context)
{
    (void)from;
    (void)flags;
    PyObject *hit = Py_BuildValue("(IK)", id, to);
    if (hit == NULL || PyList_Append((PyObject *)context, hit) < 0) {
        Py_XDECREF(hit);
        return 1; /* stops the scan: the error is set */
    }
    Py_DECREF(hit);
    return 0;
}

/* The block's bytes for hs_scan, whose length is an unsigned int: 0, or -1 with an error set. */
static int
get_block(PyObject *arg, Py_buffer *view)
{
    if (PyObject_GetBuffer(arg, view, PyBUF_SIMPLE) < 0)
        return -1;
    if ((unsigned long long)view->len > 0xFFFFFFFFULL) {
        PyBuffer_Release(view);
        PyErr_SetString(PyExc_ValueError, "block larger than 4 GiB");
        return -1;
    }
    return 0;
}

/* Database.scan(block) -> [(id, end offset), ...] in Hyperscan's order. The GIL is held:
 * the hits go straight into a list, and one scratch serves one scan at a time. */
static PyObject *
database_scan(Database *self, PyObject *arg)
{
    Py_buffer view;
    if (get_block(arg, &view) < 0)
        return NULL;
    PyObject *hits = PyList_New(0);
    if (hits == NULL) {
        PyBuffer_Release(&view);
        return NULL;
    }
    hs_error_t rc = hs_scan(self->db, (const char *)view.buf, (unsigned int)view.len, 0, self->scratch, on_match,
                            hits);
    PyBuffer_Release(&view);
    if (PyErr_Occurred()) {
        Py_DECREF(hits);
        return NULL;
    }
    if (rc != HS_SUCCESS) {
        Py_DECREF(hits);
        PyErr_Format(HsError, "hs_scan failed (%d)", (int)rc);
        return NULL;
    }
    return hits;
}


/* Database.scan_skipping(block, same, base) -> Database.scan(block) without the hits of
 * ids >= base (the paste-damage triggers) whose last byte lies in a line of `block`
 * starting at an offset of `same` (ascending line starts; a line runs through its
 * newline): checks/engine/bulk_scan.py `_record_hits` drops exactly those hits (the key
 * of a JSON record normalise() leaves as it is), so they never become tuples. */
typedef struct {
    PyObject *hits;
    const unsigned char *skip; /* 1 where a hit of a trigger is dropped */
    unsigned long long len;
    unsigned int base;
} Skipping;

static int
on_match_skipping(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *context)
{
    (void)from;
    (void)flags;
    Skipping *skipping = (Skipping *)context;
    if (id >= skipping->base) {
        unsigned long long last = to > 0 ? to - 1 : 0;
        if (last < skipping->len && skipping->skip[last])
            return 0;
    }
    return on_match(id, from, to, flags, skipping->hits);
}

static PyObject *
database_scan_skipping(Database *self, PyObject *args)
{
    PyObject *data, *same;
    unsigned int base;
    if (!PyArg_ParseTuple(args, "OOI", &data, &same, &base))
        return NULL;
    if (!PyList_Check(same)) {
        PyErr_SetString(PyExc_TypeError, "same: a list of line starts");
        return NULL;
    }
    Py_buffer view;
    if (get_block(data, &view) < 0)
        return NULL;
    const char *buf = (const char *)view.buf;
    Py_ssize_t len = view.len;
    unsigned char *skip = calloc(len ? (size_t)len : 1, 1);
    if (skip == NULL) {
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    Py_ssize_t count = PyList_GET_SIZE(same);
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t start = PyLong_AsSsize_t(PyList_GET_ITEM(same, i));
        if (start == -1 && PyErr_Occurred()) {
            free(skip);
            PyBuffer_Release(&view);
            return NULL;
        }
        if (start < 0 || start >= len)
            continue;
        const char *nl = memchr(buf + start, '\n', (size_t)(len - start));
        Py_ssize_t stop = nl != NULL ? (Py_ssize_t)(nl - buf) + 1 : len; /* through the newline */
        memset(skip + start, 1, (size_t)(stop - start));
    }
    Skipping context = {PyList_New(0), skip, (unsigned long long)len, base};
    if (context.hits == NULL) {
        free(skip);
        PyBuffer_Release(&view);
        return NULL;
    }
    hs_error_t rc = hs_scan(self->db, buf, (unsigned int)len, 0, self->scratch, on_match_skipping, &context);
    free(skip);
    PyBuffer_Release(&view);
    if (PyErr_Occurred()) {
        Py_DECREF(context.hits);
        return NULL;
    }
    if (rc != HS_SUCCESS) {
        Py_DECREF(context.hits);
        PyErr_Format(HsError, "hs_scan failed (%d)", (int)rc);
        return NULL;
    }
    return context.hits;
}


/* A scan on a thread of its own: Database.scan_begin(data, lo, hi) starts hs_scan over
 * data[lo:hi] on a new thread and returns at once; Scan.hits() waits for it and answers
 * what Database.scan(data[lo:hi]) answers, offsets counted from lo. The thread never
 * touches Python: hits go into a C array, turned into a list by hits() under the GIL.
 * While it runs the caller goes on with the GIL (checks/engine/bulk_scan.py does a
 * block's line pass meanwhile), on the other core where there is one. */
typedef struct {
    unsigned int id;
    unsigned long long to;
} Hit;

typedef struct {
    PyObject_HEAD
    Database *database; /* a reference: its db and bg_scratch live while the thread runs */
    Py_buffer view;
    int have_view;
    Py_ssize_t lo, hi;
    pthread_t thread;
    int started; /* the thread exists and has not been joined */
    hs_error_t rc;
    int out_of_memory;
    Hit *hits;
    size_t count, capacity;
    PyObject *result; /* the list, once hits() has made it */
    double created, began, ended, joined; /* CLOCK_MONOTONIC seconds: thread made, scan began/ended, joined */
} Scan;

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static PyTypeObject ScanType;

static int
on_bg_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *context)
{
    (void)from;
    (void)flags;
    Scan *scan = (Scan *)context;
    if (scan->count == scan->capacity) {
        size_t capacity = scan->capacity ? scan->capacity * 2 : 256;
        Hit *grown = realloc(scan->hits, capacity * sizeof(Hit));
        if (grown == NULL) {
            scan->out_of_memory = 1;
            return 1; /* stops the scan */
        }
        scan->hits = grown;
        scan->capacity = capacity;
    }
    scan->hits[scan->count].id = id;
    scan->hits[scan->count].to = to;
    scan->count++;
    return 0;
}

static void *
scan_thread(void *arg)
{
    Scan *scan = (Scan *)arg;
    scan->began = now();
    scan->rc = hs_scan(scan->database->db, (const char *)scan->view.buf + scan->lo,
                       (unsigned int)(scan->hi - scan->lo), 0, scan->database->bg_scratch, on_bg_match, scan);
    scan->ended = now();
    return NULL;
}

/* joins the thread (the GIL released meanwhile when `release`) and frees what it held */
static void
scan_finish(Scan *self, int release)
{
    if (self->started) {
        if (release) {
            Py_BEGIN_ALLOW_THREADS
            pthread_join(self->thread, NULL);
            Py_END_ALLOW_THREADS
            self->joined = now();
        } else {
            pthread_join(self->thread, NULL); /* at most one block's scan, a millisecond or so */
        }
        self->started = 0;
    }
    if (self->have_view) {
        PyBuffer_Release(&self->view);
        self->have_view = 0;
    }
    if (self->database != NULL) {
        self->database->bg_busy = 0;
        Py_CLEAR(self->database);
    }
}

static void
scan_dealloc(Scan *self)
{
    scan_finish(self, 0);
    free(self->hits);
    Py_XDECREF(self->result);
    PyObject_Free(self);
}

/* Scan.hits() -> [(id, end offset from lo), ...] in Hyperscan's order (asked again: the
 * same list) */
static PyObject *
scan_hits(Scan *self, PyObject *Py_UNUSED(ignored))
{
    if (self->result != NULL)
        return Py_NewRef(self->result);
    scan_finish(self, 1);
    if (self->out_of_memory)
        return PyErr_NoMemory();
    if (self->rc != HS_SUCCESS) {
        PyErr_Format(HsError, "hs_scan failed (%d)", (int)self->rc);
        return NULL;
    }
    PyObject *hits = PyList_New((Py_ssize_t)self->count);
    if (hits == NULL)
        return NULL;
    for (size_t i = 0; i < self->count; i++) {
        PyObject *hit = Py_BuildValue("(IK)", self->hits[i].id, self->hits[i].to);
        if (hit == NULL) {
            Py_DECREF(hits);
            return NULL;
        }
        PyList_SET_ITEM(hits, (Py_ssize_t)i, hit);
    }
    free(self->hits);
    self->hits = NULL;
    self->count = self->capacity = 0;
    self->result = hits;
    return Py_NewRef(hits);
}

/* Scan.times() -> (start delay, scan time, wait after the scan ended) in seconds, once
 * hits() has answered: how long the thread waited for a core before scanning, scanned,
 * and how long its end waited for the caller (negative: the caller waited for it). */
static PyObject *
scan_times(Scan *self, PyObject *Py_UNUSED(ignored))
{
    if (self->result == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "times() before hits()");
        return NULL;
    }
    return Py_BuildValue("(ddd)", self->began - self->created, self->ended - self->began, self->joined - self->ended);
}

static PyMethodDef scan_methods[] = {
    {"hits", (PyCFunction)scan_hits, METH_NOARGS, "hits() -> [(id, end - lo), ...], waiting for the scan"},
    {"times", (PyCFunction)scan_times, METH_NOARGS, "times() -> (start delay, scan, end to join) in seconds"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScanType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "checks.engine._hs_native.Scan",
    .tp_basicsize = sizeof(Scan),
    .tp_dealloc = (destructor)scan_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A block scan running on a thread of its own (Database.scan_begin).",
    .tp_methods = scan_methods,
};

/* Database.scan_begin(data, lo, hi) -> Scan, or None when it cannot start one (another
 * background scan of this database is running, or no thread could be made): the caller
 * then scans as usual. `data` must not change until hits() (bytes never do). */
static PyObject *
database_scan_begin(Database *self, PyObject *args)
{
    PyObject *data;
    Py_ssize_t lo, hi;
    if (!PyArg_ParseTuple(args, "Onn", &data, &lo, &hi))
        return NULL;
    if (self->bg_busy)
        Py_RETURN_NONE;
    if (self->bg_scratch == NULL && hs_clone_scratch(self->scratch, &self->bg_scratch) != HS_SUCCESS) {
        self->bg_scratch = NULL;
        Py_RETURN_NONE;
    }
    Scan *scan = PyObject_New(Scan, &ScanType);
    if (scan == NULL)
        return NULL;
    scan->database = NULL;
    scan->have_view = 0;
    scan->started = 0;
    scan->rc = HS_SUCCESS;
    scan->out_of_memory = 0;
    scan->hits = NULL;
    scan->count = scan->capacity = 0;
    scan->result = NULL;
    scan->created = scan->began = scan->ended = scan->joined = 0.0;
    if (PyObject_GetBuffer(data, &scan->view, PyBUF_SIMPLE) < 0) {
        Py_DECREF(scan);
        return NULL;
    }
    scan->have_view = 1;
    if (lo < 0)
        lo = 0;
    if (hi > scan->view.len)
        hi = scan->view.len;
    if (hi < lo)
        hi = lo;
    if ((unsigned long long)(hi - lo) > 0xFFFFFFFFULL) {
        Py_DECREF(scan);
        PyErr_SetString(PyExc_ValueError, "block larger than 4 GiB");
        return NULL;
    }
    scan->lo = lo;
    scan->hi = hi;
    scan->database = (Database *)Py_NewRef(self);
    self->bg_busy = 1;
    /* signals stay with the main thread (Python's handlers, Ctrl-C among them, run there) */
    sigset_t all, old;
    sigfillset(&all);
    scan->created = now();
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int failed = pthread_create(&scan->thread, NULL, scan_thread, scan);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (failed) {
        Py_DECREF(scan); /* frees the view and the database's bg slot */
        Py_RETURN_NONE;
    }
    scan->started = 1;
    return (PyObject *)scan;
}

static PyObject *
database_serialize(Database *self, PyObject *Py_UNUSED(ignored))
{
    char *bytes = NULL;
    size_t length = 0;
    if (hs_serialize_database(self->db, &bytes, &length) != HS_SUCCESS) {
        PyErr_SetString(HsError, "hs_serialize_database failed");
        return NULL;
    }
    PyObject *result = PyBytes_FromStringAndSize(bytes, (Py_ssize_t)length);
    free(bytes); /* Hyperscan's default allocator is malloc */
    return result;
}

static PyMethodDef database_methods[] = {
    {"scan", (PyCFunction)database_scan, METH_O, "scan(block) -> [(id, end), ...]"},
    {"scan_skipping", (PyCFunction)database_scan_skipping, METH_VARARGS,
     "scan_skipping(block, same, base) -> scan(block) without the hits of ids >= base ending in the lines starting at `same`"},
    {"scan_begin", (PyCFunction)database_scan_begin, METH_VARARGS,
     "scan_begin(data, lo, hi) -> Scan (its hits() = scan(data[lo:hi])), or None: scan as usual"},
    {"serialize", (PyCFunction)database_serialize, METH_NOARGS, "serialize() -> bytes"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject DatabaseType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "checks.engine._hs_native.Database",
    .tp_basicsize = sizeof(Database),
    .tp_dealloc = (destructor)database_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A compiled block-mode Hyperscan database with its scratch.",
    .tp_methods = database_methods,
};

/* compile(expressions: list[bytes], flags: list[int], ids: list[int]) -> Database, for the
 * generic platform. A rejected expression raises error(Hyperscan's message). */
static PyObject *
compile_multi(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *given, *flags, *ids;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyList_Type, &given, &PyList_Type, &flags, &PyList_Type, &ids))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(given);
    if (n == 0 || PyList_GET_SIZE(flags) != n || PyList_GET_SIZE(ids) != n) {
        PyErr_SetString(PyExc_ValueError, "one flag and one id for each of at least one expression");
        return NULL;
    }
    /* a tuple of our own keeps every expression's bytes alive while the GIL is released */
    PyObject *expressions = PyList_AsTuple(given);
    if (expressions == NULL)
        return NULL;
    const char **exprs = PyMem_New(const char *, n);
    unsigned int *cflags = PyMem_New(unsigned int, n);
    unsigned int *cids = PyMem_New(unsigned int, n);
    PyObject *result = NULL;
    if (exprs == NULL || cflags == NULL || cids == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *expression = PyTuple_GET_ITEM(expressions, i);
        if (!PyBytes_Check(expression)) {
            PyErr_SetString(PyExc_TypeError, "expressions must be bytes");
            goto done;
        }
        exprs[i] = PyBytes_AS_STRING(expression);
        cflags[i] = (unsigned int)PyLong_AsUnsignedLong(PyList_GET_ITEM(flags, i));
        cids[i] = (unsigned int)PyLong_AsUnsignedLong(PyList_GET_ITEM(ids, i));
        if (PyErr_Occurred())
            goto done;
    }
    /* generic: the host's AVX2/AVX512 engines scan our sets about half as fast on the
     * machines we run on (docs/knowledge/hyperscan-builds.md) */
    hs_platform_info_t platform = {HS_TUNE_FAMILY_GENERIC, 0, 0, 0};
    hs_database_t *db = NULL;
    hs_compile_error_t *error = NULL;
    hs_error_t rc;
    /* the catalog's first compile takes seconds (a minute under load): the app's other
     * threads, its UI among them, go on meanwhile (petstore_tui/workers.py) */
    Py_BEGIN_ALLOW_THREADS
    rc = hs_compile_multi(exprs, cflags, cids, (unsigned int)n, HS_MODE_BLOCK, &platform, &db, &error);
    Py_END_ALLOW_THREADS
    if (rc != HS_SUCCESS) {
        PyErr_SetString(HsError, error != NULL ? error->message : "hs_compile_multi failed");
        hs_free_compile_error(error);
        goto done;
    }
    result = database_new(db);
done:
    Py_DECREF(expressions);
    PyMem_Free(exprs);
    PyMem_Free(cflags);
    PyMem_Free(cids);
    return result;
}

/* deserialize(data: bytes) -> Database; error if it is not a database this library takes. */
static PyObject *
deserialize(PyObject *module, PyObject *arg)
{
    (void)module;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    hs_database_t *db = NULL;
    hs_error_t rc = hs_deserialize_database((const char *)view.buf, (size_t)view.len, &db);
    PyBuffer_Release(&view);
    if (rc != HS_SUCCESS) {
        PyErr_Format(HsError, "hs_deserialize_database failed (%d)", (int)rc);
        return NULL;
    }
    return database_new(db);
}

static PyMethodDef module_methods[] = {
    {"compile", compile_multi, METH_VARARGS, "compile(expressions, flags, ids) -> Database"},
    {"deserialize", deserialize, METH_O, "deserialize(data) -> Database"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_hs_native", "Hyperscan through the system library (block mode).", -1,
    module_methods,
};

PyMODINIT_FUNC
PyInit__hs_native(void)
{
    /* the library refuses a CPU it was not built for (SSSE3 at least): no module then */
    if (hs_valid_platform() != HS_SUCCESS) {
        PyErr_SetString(PyExc_ImportError, "Hyperscan does not support this CPU");
        return NULL;
    }
    if (PyType_Ready(&DatabaseType) < 0 || PyType_Ready(&ScanType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    HsError = PyErr_NewException("checks.engine._hs_native.error", NULL, NULL);
    if (HsError == NULL || PyModule_AddObjectRef(module, "error", HsError) < 0 ||
        PyModule_AddStringConstant(module, "VERSION", hs_version()) < 0 ||
        PyModule_AddIntConstant(module, "HS_FLAG_CASELESS", HS_FLAG_CASELESS) < 0 ||
        PyModule_AddIntConstant(module, "HS_FLAG_MULTILINE", HS_FLAG_MULTILINE) < 0 ||
        PyModule_AddIntConstant(module, "HS_FLAG_PREFILTER", HS_FLAG_PREFILTER) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
