/* One memchr pass over a block of log lines: how many newlines it holds, and where the
 * lines exactly `width` bytes long end; and the glued texts of those lines' events.
 * checks/engine/line_scan.py says why, and holds the pure-Python equivalents, used when
 * this module was not built. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static PyObject *
scan(PyObject *module, PyObject *args)
{
    Py_buffer view;
    Py_ssize_t lo, hi, width;
    if (!PyArg_ParseTuple(args, "y*nnn", &view, &lo, &hi, &width))
        return NULL;
    if (lo < 0) lo = 0;
    if (hi > view.len) hi = view.len;
    PyObject *ends = PyList_New(0);
    if (ends == NULL) {
        PyBuffer_Release(&view);
        return NULL;
    }
    const char *buf = view.buf;
    Py_ssize_t count = 0, line = lo;
    while (line < hi) {
        const char *nl = memchr(buf + line, '\n', (size_t)(hi - line));
        Py_ssize_t at = nl ? nl - buf : hi;  /* the last line may lack its newline */
        if (at - line == width) {
            PyObject *end = PyLong_FromSsize_t(at);
            if (end == NULL || PyList_Append(ends, end) < 0) {
                Py_XDECREF(end);
                Py_DECREF(ends);
                PyBuffer_Release(&view);
                return NULL;
            }
            Py_DECREF(end);
        }
        if (!nl)
            break;
        count++;
        line = at + 1;
    }
    PyBuffer_Release(&view);
    return Py_BuildValue("nN", count, ends);
}

/* memchr from `from` (which may lie past the end) for a newline; `size` when none. */
static Py_ssize_t
next_newline(const char *buf, Py_ssize_t from, Py_ssize_t size)
{
    if (from >= size)
        return size;
    const char *nl = memchr(buf + from, '\n', (size_t)(size - from));
    return nl ? nl - buf : size;
}

static PyObject *
glue(PyObject *module, PyObject *args)
{
    Py_buffer view;
    PyObject *cuts;
    Py_ssize_t end, width;
    if (!PyArg_ParseTuple(args, "y*O!nn", &view, &PyList_Type, &cuts, &end, &width))
        return NULL;
    const char *buf = view.buf;
    Py_ssize_t size = view.len, count = PyList_GET_SIZE(cuts), runs = 0, total = 0;
    Py_ssize_t *spec = PyMem_Malloc(sizeof(Py_ssize_t) * 4 * (count ? count : 1));
    PyObject *joined = NULL, *ends = NULL, *firsts = NULL, *result = NULL;
    if (spec == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < count;) {
        Py_ssize_t first = PyLong_AsSsize_t(PyList_GET_ITEM(cuts, i)), last = first;
        if (first == -1 && PyErr_Occurred())
            goto done;
        for (i++; i < count; i++) {  /* the next line is cut too */
            Py_ssize_t cut = PyLong_AsSsize_t(PyList_GET_ITEM(cuts, i));
            if (cut != last + width + 1)
                break;
            last = cut;
        }
        if (first - width >= end)
            break;
        if (first < width || last > size) {
            PyErr_SetString(PyExc_ValueError, "a cut line outside the buffer");
            goto done;
        }
        Py_ssize_t nl = next_newline(buf, last + 1, size);
        Py_ssize_t after = next_newline(buf, nl + 1, size);
        Py_ssize_t line = nl > last + 1 ? nl - last - 1 : 0;
        Py_ssize_t tail = after > nl + 1 ? after - nl - 1 : 0;
        Py_ssize_t run = ((last - first) / (width + 1) + 1) * width;
        spec[4 * runs] = first;
        spec[4 * runs + 1] = last;
        spec[4 * runs + 2] = nl;
        spec[4 * runs + 3] = after;
        runs++;
        total += 2 * line + run + tail + 3;
    }
    joined = PyBytes_FromStringAndSize(NULL, total);
    ends = PyList_New(runs);
    firsts = PyList_New(runs);
    if (joined == NULL || ends == NULL || firsts == NULL)
        goto done;
    char *out = PyBytes_AS_STRING(joined), *at = out;
    for (Py_ssize_t r = 0; r < runs; r++) {
        Py_ssize_t first = spec[4 * r], last = spec[4 * r + 1], nl = spec[4 * r + 2], after = spec[4 * r + 3];
        Py_ssize_t line = nl > last + 1 ? nl - last - 1 : 0;
        Py_ssize_t tail = after > nl + 1 ? after - nl - 1 : 0;
        memcpy(at, buf + last + 1, line);  /* the line after the run */
        at += line;
        *at++ = '\n';
        for (Py_ssize_t piece = first - width; piece < last; piece += width + 1) {  /* the glued line */
            memcpy(at, buf + piece, width);
            at += width;
        }
        memcpy(at, buf + last + 1, line);
        at += line;
        *at++ = '\n';
        memcpy(at, buf + nl + 1, tail);  /* and the line after that */
        at += tail;
        *at++ = '\n';
        PyObject *where = PyLong_FromSsize_t(at - out), *cut = PyLong_FromSsize_t(first);
        if (where == NULL || cut == NULL) {
            Py_XDECREF(where);
            Py_XDECREF(cut);
            goto done;
        }
        PyList_SET_ITEM(ends, r, where);
        PyList_SET_ITEM(firsts, r, cut);
    }
    result = Py_BuildValue("OOO", joined, ends, firsts);
done:
    Py_XDECREF(joined);
    Py_XDECREF(ends);
    Py_XDECREF(firsts);
    PyMem_Free(spec);
    PyBuffer_Release(&view);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(buf, lo, hi, width) -> (newlines in buf[lo:hi], ends of its lines exactly width long)"},
    {"glue", glue, METH_VARARGS,
     "glue(buf, cuts, end, width) -> (joined glued texts, where each ends, its run's first cut)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef definition = {PyModuleDef_HEAD_INIT, "_line_scan", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__line_scan(void)
{
    return PyModule_Create(&definition);
}
