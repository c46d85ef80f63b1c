// Each command group registers itself on import.
import "./cluster.js";
import "./lab.js";
import "./simulate.js";
import "./explain.js";
import "./constraint.js";
import "./property.js";
import "./resource.js";
import "./node.js";
import "./stonith.js";
import "../live/commands.js";
