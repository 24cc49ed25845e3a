/*
 * durable-rules 2.0.28's C core calls PyEval_CallObject, which Python 3.13
 * removed from the C API (until 3.12 it was a macro for
 * PyEval_CallObjectWithKeywords, so the compiled core never needed the
 * symbol). Built with perimeter and loaded with RTLD_GLOBAL by the durable
 * adapter only when importing durable-rules fails for want of that symbol.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifdef PyEval_CallObject
#undef PyEval_CallObject
#endif

PyAPI_FUNC(PyObject *) PyEval_CallObject(PyObject *callable, PyObject *args);

PyObject *PyEval_CallObject(PyObject *callable, PyObject *args)
{
    return PyObject_CallObject(callable, args);
}

static struct PyModuleDef shim = {
    PyModuleDef_HEAD_INIT, "_durable_shim",
    "PyEval_CallObject for durable-rules on Python 3.13 and later.", -1, NULL,
};

PyMODINIT_FUNC PyInit__durable_shim(void)
{
    return PyModule_Create(&shim);
}
