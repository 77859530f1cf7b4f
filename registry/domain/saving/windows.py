"""The reference building's windows: each façade's window-to-wall ratio capped by shrinking its
windows about their centres, and the glazing of the façade's ratio band (GB 50189-2015)."""

from __future__ import annotations

import math

from registry.domain.checks import idf as idf_api
from registry.domain.saving.data import WWR_BANDS, band_key
from registry.domain.saving.transform import Transform, fmt, layer_names, num, surface_category


def newell(points: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    nx = ny = nz = 0.0
    for (x1, y1, z1), (x2, y2, z2) in zip(points, points[1:] + points[:1], strict=True):
        nx += (y1 - y2) * (z1 + z2)
        ny += (z1 - z2) * (x1 + x2)
        nz += (x1 - x2) * (y1 + y2)
    return nx, ny, nz


def vertices(obj, first_field: str) -> list[tuple[float, float, float]]:
    start = obj.objls.index(first_field)
    values = [num(v) for v in obj.obj[start:] if str(v).strip()]
    return [tuple(values[i : i + 3]) for i in range(0, len(values) - 2, 3)]


def _facade(t: Transform, surface, points) -> str:
    """N/E/S/W from the wall's outward normal, counterclockwise vertices seen from outside."""
    nx, ny, _ = newell(points)
    buildings = t.objects("Building")
    north_axis = num(buildings[0].North_Axis) if buildings else 0.0
    zone = t.named("Zone", str(surface.Zone_Name))
    zone_north = num(zone.Direction_of_Relative_North) if zone is not None else 0.0
    azimuth = (math.degrees(math.atan2(nx, ny)) + north_axis + zone_north) % 360
    return ("north", "east", "south", "west")[int(((azimuth + 45) % 360) // 90)]


def polygon_area(points) -> float:
    nx, ny, nz = newell(points)
    return 0.5 * math.sqrt(nx * nx + ny * ny + nz * nz)


def reference_windows(t: Transform) -> dict[str, dict[str, float]]:
    walls: dict[str, tuple[str, float]] = {}
    for surface in t.objects("BuildingSurface:Detailed"):
        if surface_category(surface) == "wall":
            points = vertices(surface, "Vertex_1_Xcoordinate")
            walls[str(surface.Name).upper()] = (_facade(t, surface, points), polygon_area(points))
    windows = []  # (object, facade, area)
    for window in t.objects("Window"):
        wall = walls.get(str(window.Building_Surface_Name).upper())
        if wall:
            windows.append(
                (
                    window,
                    wall[0],
                    num(window.Length) * num(window.Height) * max(num(window.Multiplier, 1), 1),
                )
            )
    for window in t.objects("FenestrationSurface:Detailed"):
        if str(window.Surface_Type).lower() not in ("window", "glassdoor"):
            continue
        wall = walls.get(str(window.Building_Surface_Name).upper())
        if wall:
            area = polygon_area(vertices(window, "Vertex_1_Xcoordinate"))
            windows.append((window, wall[0], area * max(num(window.Multiplier, 1), 1)))
    wall_area: dict[str, float] = {}
    for facade, area in walls.values():
        wall_area[facade] = wall_area.get(facade, 0.0) + area
    window_area: dict[str, float] = {}
    for _w, facade, area in windows:
        window_area[facade] = window_area.get(facade, 0.0) + area
    cap = t.value("wwr_max")
    ratios = {}
    for facade, area in window_area.items():
        design = area / wall_area[facade] if wall_area.get(facade) else 0.0
        ratios[facade] = {"design": round(design, 4), "reference": round(min(design, cap), 4)}
    glazing = {
        facade: _reference_glazing(t, facade, ratio["reference"], windows)
        for facade, ratio in ratios.items()
    }
    for window, facade, _area_m2 in windows:
        design_ratio = ratios[facade]["design"]
        if design_ratio > cap:
            _shrink(t, window, math.sqrt(cap / design_ratio))
        design_construction = str(window.Construction_Name)
        window.Construction_Name = glazing[facade]
        t.change(
            window.obj[0],
            str(window.Name),
            "Construction Name",
            design_construction,
            glazing[facade],
            band_key("window_u", _band(ratios[facade]["reference"])),
        )
        frame = str(window["Frame_and_Divider_Name"] or "")
        if frame:  # the reference U is the whole window's: no frame added on top
            window["Frame_and_Divider_Name"] = ""
            t.change(
                window.obj[0],
                str(window.Name),
                "Frame and Divider Name",
                frame,
                "(none)",
                band_key("window_u", _band(ratios[facade]["reference"])),
            )
    return ratios


def _band(ratio: float) -> float:
    return next((upper for upper in WWR_BANDS if ratio <= upper + 1e-9), WWR_BANDS[-1])


def _simple_glazing(t: Transform, construction_name: str):
    construction = t.named("Construction", construction_name)
    if construction is None:
        return None
    layers = layer_names(construction)
    if len(layers) != 1:
        return None
    return t.named("WindowMaterial:SimpleGlazingSystem", layers[0])


def _reference_glazing(t: Transform, facade: str, ratio: float, windows) -> str:
    upper = _band(ratio)
    u_key = band_key("window_u", upper)
    shgc_key = band_key("window_shgc_north" if facade == "north" else "window_shgc", upper)
    design = next(
        (
            _simple_glazing(t, str(w.Construction_Name))
            for w, f, _a in windows
            if f == facade and _simple_glazing(t, str(w.Construction_Name)) is not None
        ),
        None,
    )
    design_u = num(design.UFactor) if design is not None else None
    design_shgc = num(design.Solar_Heat_Gain_Coefficient) if design is not None else None
    design_vt = num(design.Visible_Transmittance, 0.6) if design is not None else 0.6
    if shgc_key in t.params:
        shgc, shgc_source = t.value(shgc_key), shgc_key
    else:  # no limit in this band: the design's own (0.60 when it is not a simple glazing)
        shgc, shgc_source = (design_shgc if design_shgc else 0.60), u_key
    u = t.value(u_key)
    material, construction = f"Reference glazing {facade}", f"Reference window {facade}"
    idf_api.add_object(
        t.idf, "WindowMaterial:SimpleGlazingSystem", [material, u, round(shgc, 3), design_vt]
    )
    idf_api.add_object(t.idf, "Construction", [construction, material])
    design_name = design.Name if design is not None else "layered glazing"
    t.change(
        "WindowMaterial:SimpleGlazingSystem",
        material,
        "U-Factor (W/m2·K)",
        f"{fmt(design_u)} ({design_name})" if design_u else design_name,
        fmt(u),
        u_key,
    )
    t.change(
        "WindowMaterial:SimpleGlazingSystem",
        material,
        "Solar Heat Gain Coefficient"
        + ("" if shgc_source != u_key else " (no limit in this band: the design's kept)"),
        f"{fmt(design_shgc)} ({design_name})" if design_shgc else design_name,
        fmt(shgc),
        shgc_source,
    )
    return construction


def _shrink(t: Transform, window, factor: float) -> None:
    """Scale a window about its centre by `factor` in both directions (area by factor²)."""
    if window.obj[0].upper() == "WINDOW":
        length, height = num(window.Length), num(window.Height)
        new_length, new_height = length * factor, height * factor
        for field, design, reference in (
            (
                "Starting_X_Coordinate",
                num(window.Starting_X_Coordinate),
                num(window.Starting_X_Coordinate) + (length - new_length) / 2,
            ),
            (
                "Starting_Z_Coordinate",
                num(window.Starting_Z_Coordinate),
                num(window.Starting_Z_Coordinate) + (height - new_height) / 2,
            ),
            ("Length", length, new_length),
            ("Height", height, new_height),
        ):
            window[field] = round(reference, 4)
            t.change(
                "Window",
                str(window.Name),
                field.replace("_", " "),
                fmt(design, 5),
                fmt(round(reference, 4), 5),
                "wwr_max",
            )
        return
    points = vertices(window, "Vertex_1_Xcoordinate")
    centre = [sum(p[i] for p in points) / len(points) for i in range(3)]
    start = window.objls.index("Vertex_1_Xcoordinate")
    for index, point in enumerate(points):
        for axis in range(3):
            window.obj[start + 3 * index + axis] = round(
                centre[axis] + (point[axis] - centre[axis]) * factor, 4
            )
    t.change(
        "FenestrationSurface:Detailed",
        str(window.Name),
        "Vertices",
        f"{polygon_area(points):.3f} m2",
        f"{polygon_area(points) * factor**2:.3f} m2",
        "wwr_max",
    )
