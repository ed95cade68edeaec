// The Python boundary: integer data in, documented arrays out (docs/core.md is the contract).
// Python owns everything else: objects, files, executors, progress bars.
#include "refine.hpp"
#include "structure.hpp"

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <limits>
#include <memory>
#include <stdexcept>

namespace py = pybind11;
using namespace polyrelu;

namespace {

// Python ints that fit in a machine word arrive as it, larger ones as their decimal text:
// exact either way (the text for every weight was a tenth of a small 2-D run's core call).
// Anything but an int (a bool too) fails the text's parse, with the error below.
Int to_int(py::handle h) {
    if (PyLong_CheckExact(h.ptr())) {
        int overflow = 0;
        const long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
        if (!overflow && !(v == -1 && PyErr_Occurred()) && v >= std::numeric_limits<long>::min() &&
            v <= std::numeric_limits<long>::max())
            return Int(static_cast<long>(v));
        PyErr_Clear();
    }
    const std::string s = py::str(h);
    Int x;
    if (x.set_str(s, 10) != 0) throw std::invalid_argument("not an integer: " + s.substr(0, 40));
    return x;
}

IntVec to_ints(py::handle seq) {
    IntVec v;
    for (py::handle x : seq) v.push_back(to_int(x));
    return v;
}

template <class T>
py::array_t<T> as_array(const std::vector<T>& v) {
    py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), a.mutable_data());
    return a;
}

// Integers as (sign int8, offsets int64, little-endian magnitude bytes): entry k is
// sign[k] * int.from_bytes(data[offsets[k]:offsets[k+1]], "little").
py::tuple encode(const Int* x, std::size_t n) {
    std::vector<std::int8_t> sign(n);
    std::vector<std::int64_t> offsets(n + 1, 0);
    std::vector<std::uint8_t> data;
    for (std::size_t k = 0; k < n; ++k) {
        sign[k] = static_cast<std::int8_t>(sgn(x[k]));
        append_magnitude(x[k], data);
        offsets[k + 1] = static_cast<std::int64_t>(data.size());
    }
    return py::make_tuple(as_array(sign), as_array(offsets),
                          py::bytes(reinterpret_cast<const char*>(data.data()), data.size()));
}

// Named int64 arrays as a dict: how facets() and faces() hand their columns over.
py::dict columns(std::initializer_list<std::pair<const char*, const std::vector<std::int64_t>*>> cols) {
    py::dict d;
    for (const auto& [name, v] : cols) d[name] = as_array(*v);
    return d;
}

struct Result {
    Refinement r;
    std::unique_ptr<Facets> facets;  // computed on first use

    const Facets& get_facets() {
        if (!facets) facets = std::make_unique<Facets>(shared_facets(r));
        return *facets;
    }
};

const char* status_name(Status s) {
    switch (s) {
        case Status::complete: return "complete";
        case Status::region_limit: return "region_limit";
        case Status::time_limit: return "time_limit";
        case Status::interrupted: return "interrupted";
    }
    return "unknown";
}

Network parse_network(std::size_t dim, py::list layers) {
    Network net;
    net.dim = dim;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        py::tuple t = layers[l].cast<py::tuple>();
        Layer L;
        py::list W = t[0].cast<py::list>();
        L.rows = W.size();
        L.cols = l == 0 ? dim : net.layers.back().rows;
        for (py::handle row : W) {
            IntVec r = to_ints(row);
            if (r.size() != L.cols) throw std::invalid_argument("layer " + std::to_string(l) + ": a row of the wrong length");
            for (Int& x : r) L.W.push_back(std::move(x));
        }
        L.b = to_ints(t[1]);
        if (L.b.size() != L.rows) throw std::invalid_argument("layer " + std::to_string(l) + ": bias of the wrong length");
        L.unit = l + 1 == layers.size() ? Unit::identity : Unit::relu;
        L.prepare_small();
        net.layers.push_back(std::move(L));
    }
    return net;
}

std::vector<StartCell> parse_cells(std::size_t dim, py::list starts) {
    std::vector<StartCell> cells;
    for (py::handle h : starts) {
        py::dict d = h.cast<py::dict>();
        StartCell s;
        for (py::handle g : d["gens"]) {
            s.gens.push_back(to_ints(g));
            if (s.gens.back().size() != dim + 1) throw std::invalid_argument("a generator of the wrong length");
        }
        s.inc = d["inc"].cast<std::vector<std::vector<int>>>();
        s.slots = d["slots"].cast<std::vector<std::vector<Label>>>();
        s.facets = d["facets"].cast<std::vector<int>>();
        if (d.contains("active")) s.active = d["active"].cast<std::vector<Word>>();
        if (d.contains("zero")) s.zero = d["zero"].cast<std::vector<Word>>();
        if (s.inc.size() != s.gens.size()) throw std::invalid_argument("incidences do not match the generators");
        for (const auto& inc : s.inc)
            for (int k : inc)
                if (k < 0 || static_cast<std::size_t>(k) >= s.slots.size()) throw std::invalid_argument("an incidence names no slot");
        for (int k : s.facets)
            if (k < 0 || static_cast<std::size_t>(k) >= s.slots.size()) throw std::invalid_argument("a facet names no slot");
        cells.push_back(std::move(s));
    }
    return cells;
}

std::unique_ptr<Result> assemble_cells(std::size_t dim, py::list layers, py::list cells) {
    const Network net = parse_network(dim, layers);
    const std::vector<StartCell> cs = parse_cells(dim, cells);
    auto res = std::make_unique<Result>();
    assemble(net, cs, res->r);
    return res;
}

std::unique_ptr<Result> run(std::size_t dim, py::list layers, py::list starts, std::size_t first_layer, int threads, bool reverse,
                            long max_regions, double max_seconds, py::object progress, bool count_only,
                            bool count_faces) {
    const Network net = parse_network(dim, layers);
    const std::vector<StartCell> cells = parse_cells(dim, starts);
    auto res = std::make_unique<Result>();
    ProgressFn fn;
    if (!progress.is_none()) {
        // an exception in the user's callback stops the run and is raised when the core returns
        fn = [&progress](int layer, std::size_t done, std::size_t total, std::size_t regions) {
            py::gil_scoped_acquire gil;
            if (PyErr_CheckSignals() != 0) return false;
            try {
                return progress(layer, done, total, regions).cast<bool>();
            } catch (py::error_already_set& e) {
                e.restore();
                return false;
            }
        };
    }
    // Ctrl-C: Python's handler only sets a flag; the core's calling thread looks at it while the
    // workers run, and the KeyboardInterrupt it left pending is raised here
    const InterruptFn interrupted = [] {
        py::gil_scoped_acquire gil;
        return PyErr_CheckSignals() != 0;
    };
    if (first_layer > net.hidden()) throw std::invalid_argument("first_layer is past the last hidden layer");
    {
        py::gil_scoped_release nogil;
        refine(net, cells, first_layer, threads, reverse, Limits{max_regions, max_seconds, count_only, count_faces}, fn, res->r, interrupted);
    }
    if (res->r.status == Status::interrupted) {
        if (!PyErr_Occurred()) PyErr_SetNone(PyExc_KeyboardInterrupt);
        throw py::error_already_set();
    }
    return res;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "polyrelu's compiled exact core: the refinement of a domain by a ReLU network's neurons.";
    m.def("refine", &run, py::arg("dim"), py::arg("layers"), py::arg("starts"), py::arg("first_layer") = 0,
          py::arg("threads") = 1,
          py::arg("reverse") = false, py::arg("max_regions") = -1, py::arg("max_seconds") = -1.0,
          py::arg("progress") = py::none(), py::arg("count_only") = false, py::arg("count_faces") = false,
          "Refine the start cells by every neuron (see docs/core.md for the arrays of the result); count_only: "
          "count the last layer's regions and keep none (n_counted); count_faces (with count_only, bounded "
          "domains): count the last layer's faces by dimension too (counted_faces).");
    m.def("assemble", &assemble_cells, py::arg("dim"), py::arg("layers"), py::arg("cells"), "A result from cells that are already refined (saved complexes, the reference engine).");
    py::class_<Result>(m, "Result")
        .def_property_readonly("status", [](const Result& r) { return status_name(r.r.status); })
        .def_property_readonly("stopped_at", [](const Result& r) {
            return py::make_tuple(r.r.stopped_layer, r.r.stopped_cell, r.r.stopped_of);
        })
        .def_property_readonly("n_regions", [](const Result& r) { return r.r.cells.size(); })
        .def_property_readonly("n_counted", [](const Result& r) { return r.r.counted; })
        .def_property_readonly("counted_faces", [](const Result& r) { return r.r.counted_faces; })
        .def_property_readonly("exact_signs", [](const Result& r) { return r.r.exact_signs; })
        .def_property_readonly("n_generators", [](const Result& r) { return r.r.gens.size(); })
        .def_property_readonly("homogeneous_dim", [](const Result& r) { return r.r.gens.D; })
        .def_property_readonly("n_outputs", [](const Result& r) { return r.r.net.layers.back().rows; })
        .def("generators", [](const Result& r) {
            const GenStore& e = r.r.exact();
            return encode(e.coords.data(), e.coords.size());
        })
        .def("output_values", [](const Result& r) {
            const GenStore& e = r.r.exact(true);
            return encode(e.vals.data(), e.vals.size());
        })
        .def("rays", [](const Result& r) {
            std::vector<std::uint8_t> ray(r.r.gens.ray.begin(), r.r.gens.ray.end());
            return as_array(ray);
        })
        .def("cell_generators", [](const Result& r) {
            std::vector<std::int64_t> ptr{0}, ids;
            for (const Cell& c : r.r.cells) {
                ids.insert(ids.end(), c.gens.begin(), c.gens.end());
                ptr.push_back(static_cast<std::int64_t>(ids.size()));
            }
            return py::make_tuple(as_array(ptr), as_array(ids));
        })
        .def("patterns", [](const Result& r) {
            const std::size_t w = r.r.pattern_words;
            std::vector<std::uint64_t> act, zero;
            for (const Cell& c : r.r.cells) {
                act.insert(act.end(), c.active.begin(), c.active.end());
                zero.insert(zero.end(), c.zero.begin(), c.zero.end());
            }
            return py::make_tuple(as_array(act).reshape({static_cast<py::ssize_t>(r.r.cells.size()), static_cast<py::ssize_t>(w)}),
                                  as_array(zero).reshape({static_cast<py::ssize_t>(r.r.cells.size()), static_cast<py::ssize_t>(w)}));
        })
        .def("cell_slots", [](const Result& r) {
            // per cell its slots (label-set id, facet or not) and per generator of the cell the
            // slots it lies on: exactly what assemble() takes back
            std::vector<std::int64_t> slot_ptr{0}, labels, inc_ptr{0}, inc;
            std::vector<std::uint8_t> alive;
            for (const Cell& c : r.r.cells) {
                for (std::size_t k = 0; k < c.nslots(); ++k) {
                    labels.push_back(c.slot_labels[k]);
                    alive.push_back(test_bit(c.alive.data(), k));
                }
                slot_ptr.push_back(static_cast<std::int64_t>(labels.size()));
                for (std::size_t g = 0; g < c.gens.size(); ++g) {
                    for (std::size_t k = 0; k < c.nslots(); ++k)
                        if (test_bit(c.inc_of(g), k)) inc.push_back(static_cast<std::int64_t>(k));
                    inc_ptr.push_back(static_cast<std::int64_t>(inc.size()));
                }
            }
            return py::make_tuple(as_array(slot_ptr), as_array(labels), as_array(alive), as_array(inc_ptr), as_array(inc));
        })
        .def("label_sets", [](const Result& r) {
            std::vector<std::int64_t> ptr{0}, codes;
            for (std::size_t s = 0; s < r.r.labels.size(); ++s) {
                const auto& v = r.r.labels.get(static_cast<int>(s));
                codes.insert(codes.end(), v.begin(), v.end());
                ptr.push_back(static_cast<std::int64_t>(codes.size()));
            }
            return py::make_tuple(as_array(ptr), as_array(codes));
        })
        .def("facets", [](Result& r) {
            const Facets& f = r.get_facets();
            return columns({{"gen_ptr", &f.gen_ptr}, {"gen_ids", &f.gen_ids}, {"cells", &f.cells},
                            {"label_sets", &f.label_sets}, {"cell_ptr", &f.cell_ptr}, {"cell_facets", &f.cell_facets}});
        })
        .def("faces", [](Result& r) {
            Faces f;
            {
                py::gil_scoped_release nogil;
                f = face_poset(r.r);
            }
            return columns({{"dim", &f.dim}, {"gen_ptr", &f.gen_ptr}, {"gen_ids", &f.gen_ids},
                            {"region", &f.region}, {"edges", &f.edges}});
        })
        .def("face_counts", [](Result& r) {
            std::vector<std::int64_t> counts;
            {
                py::gil_scoped_release nogil;
                counts = face_counts(r.r);
            }
            return as_array(counts);
        })
        .def("diameter", [](Result& r) {
            const Facets& f = r.get_facets();
            std::vector<std::int64_t> edges;
            edges.reserve(f.cells.size());
            for (std::size_t k = 0; k + 1 < f.cells.size(); k += 2)
                if (f.cells[k + 1] >= 0) edges.insert(edges.end(), {f.cells[k], f.cells[k + 1]});
            py::gil_scoped_release nogil;
            return graph_diameter(r.r.cells.size(), edges);
        })
        .def("verify", [](const Result& r) { return verify_cells(r.r); })
        .def("linear_regions", [](Result& r) {
            const Facets& f = r.get_facets();
            std::vector<std::int64_t> piece;
            {
                py::gil_scoped_release nogil;
                piece = linear_regions(r.r, f);
            }
            return as_array(piece);
        });
}
