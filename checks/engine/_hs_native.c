/* A minimal binding to the system's Hyperscan library (Debian's libhyperscan5): compile
 * a set of expressions for the generic x86-64 platform, scan a block, and store or load
 * a compiled database. Used by checks/engine/hs_backend.py in place of the `hyperscan`
 * wheel where it was built; docs/knowledge/hyperscan-builds.md says why (the same
 * database scans the benchmark log faster through this library than through the wheel). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <hs/hs.h>

static PyObject *HsError;

typedef struct {
    PyObject_HEAD
    hs_database_t *db;
    hs_scratch_t *scratch;
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

/* Database.scan(block) -> [(id, end offset), ...] in Hyperscan's order. The GIL is held:
 * the hits go straight into a list, and one scratch serves one scan at a time. */
static PyObject *
database_scan(Database *self, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    if ((unsigned long long)view.len > 0xFFFFFFFFULL) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "block larger than 4 GiB");
        return NULL;
    }
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
    if (PyType_Ready(&DatabaseType) < 0)
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
