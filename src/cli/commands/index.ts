// Each command group registers itself on import.
import "./cluster.js";
import "./constraint.js";
import "./property.js";
import "./resource.js";
import "./node.js";
import "./stonith.js";
